"""A whole fair in and out: the dataset import and export, invitations from CSV, the generator of
synthetic fairs and the demo fair."""
