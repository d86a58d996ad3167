"""Django settings for the Oak Hollow clinic booking site."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "s9^_0b6=cl-ta7f_zlmt4p))42^x#@%x9telqh=hstltda6&v+"
DEBUG = False
ALLOWED_HOSTS = ["book.oakhollow.health", "admin.oakhollow.health"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "storages",
    "booking",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "oakhollow",
        "USER": "oakhollow_web",
        "PASSWORD": "Granite93.umber",
        "HOST": "pg-oakhollow.internal",
        "PORT": "5432",
    },
    "reporting": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "oakhollow",
        "USER": "reporting_ro",
        "PASSWORD": os.environ.get("REPORTING_DB_PASSWORD", ""),
        "HOST": "pg-oakhollow-replica.internal",
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 3600

EMAIL_HOST = "smtp.eu.mailgun.org"
EMAIL_HOST_USER = "booking@mg.oakhollow.health"
EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]

AWS_STORAGE_BUCKET_NAME = "oakhollow-uploads"
AWS_ACCESS_KEY_ID = "AKIAPNADVU445HP5XKKK"
AWS_SECRET_ACCESS_KEY = os.getenv("AWS_SECRET_ACCESS_KEY")

SENTRY_DSN = "https://51c7e666424ebd15298addf170b880ad@o50211.ingest.sentry.io/4412081"
