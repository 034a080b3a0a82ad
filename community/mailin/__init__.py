"""Replies by email: `community mail-in` listens for SMTP, and a reply to a notification
email's reply address (``notifications.reply_address``) is posted as its owner.

``smtp`` is the listener, ``receive`` checks and posts one message, ``message`` finds its
text and ``quotes`` cuts the quoted message and the signature off it.
"""
