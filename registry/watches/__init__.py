"""Watch lists: signed webhooks and Atom feeds when watched certificates change."""
