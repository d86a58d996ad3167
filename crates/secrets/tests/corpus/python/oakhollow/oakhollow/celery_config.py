"""Celery configuration (imported by oakhollow.celery)."""

broker_url = "redis://:kwVzqZ8D2pPgOVo0GRs4gnoAoK@redis-oakhollow.internal:6379/1"
result_backend = "redis://:kwVzqZ8D2pPgOVo0GRs4gnoAoK@redis-oakhollow.internal:6379/2"
broker_transport_options = {"visibility_timeout": 3600}

task_serializer = "json"
accept_content = ["json"]
timezone = "Europe/Dublin"

beat_schedule = {
    "send-reminders": {
        "task": "booking.tasks.send_reminders",
        "schedule": 900.0,
    },
}

# SMS reminders
TWILIO_ACCOUNT_SID = "AC81981259fbc47b3b3bbb9f3f39eaba2c"
TWILIO_AUTH_TOKEN = "f5782592847a2d01838806f6035ab763"
TWILIO_FROM = "+353 1 555 0142"
