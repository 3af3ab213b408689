"""The study fork server's preload: imported there once, when it starts (see
:func:`sortie.studies.executors.start_study_server`); nothing else imports it."""

from sortie.studies.executors import prepare_study_server

prepare_study_server()
