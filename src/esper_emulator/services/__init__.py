"""The rules of the emulated Esper service and its simulated fleet."""
