"""Runtime configuration for the quince eval bot."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    # Fallback key for local runs; production sets ANTHROPIC_API_KEY.
    anthropic_api_key: str = _env("ANTHROPIC_API_KEY", "sk-ant-api03-0wHUP97wjO_hoTkac42Yo9Cn9Phv4lr8y7HHkZGdoAiNNZ53Fd54SY2jJcrGk-QdHWb5SbmObAKq7PHSyEP0aJovkLrl8AA")
    openai_api_key: str | None = _env("OPENAI_API_KEY")
    slack_bot_token: str = "xoxb-834002877244-8455262935587-87DMQq9uBbE319dEDx6EJiEs"
    slack_signing_secret: str = field(default_factory=lambda: os.environ["SLACK_SIGNING_SECRET"])
    results_bucket: str = "quince-eval-results"
    max_tokens: int = 4096


settings = Settings()
