"""The bottom layer: helpers with no models, used by every app."""
