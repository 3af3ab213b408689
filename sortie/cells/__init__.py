"""What a cell is: chemistry catalogue, design, mass/volume budget, pack. Pure Python."""
