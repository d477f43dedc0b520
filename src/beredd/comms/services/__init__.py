"""Writes of the comms app. ``message_send`` / ``mail_send`` are the only way the product sends a message."""

from beredd.comms.services.messages import Recipient, deliveries_send, delivery_confirm, mail_send, message_send

__all__ = ["Recipient", "deliveries_send", "delivery_confirm", "mail_send", "message_send"]
