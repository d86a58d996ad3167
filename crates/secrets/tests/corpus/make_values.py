#!/usr/bin/env python3
"""Fake credential values for the secrets corpus, from a fixed seed.

Every value is random characters in the *shape* of a real credential (prefix,
length, alphabet, and for GitHub/npm tokens even the CRC32 checksum tail), or
an invented human-style password. None of them is, or was ever, a real
credential.

    python3 make_values.py KIND [COUNT] [--seed N]   # print fresh values
    python3 make_values.py --list                     # the kinds it knows

The corpus files were rendered with `Values(seed=20250317)` in file-path
order; the generator is kept so that new files can get values of the same
shapes. It is metadata, not corpus: the tests do not scan it.
"""

import base64
import json
import random
import struct
import sys
import zlib

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BASE32 = UPPER + "234567"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
PW_SYMBOLS = "!#*+-_=@^~"
URL_SAFE = ALNUM + "-_.~"
DJANGO = LOWER + DIGITS + "!@#%^&*(-_=+)"

WORDS = [
    "amber", "anchor", "aspen", "badger", "basalt", "beacon", "birch", "bramble", "canyon", "cedar",
    "cinder", "clover", "cobalt", "comet", "copper", "coral", "cricket", "dahlia", "delta", "ember",
    "falcon", "fennel", "fjord", "garnet", "glacier", "granite", "harbor", "hazel", "heron", "indigo",
    "juniper", "kestrel", "lantern", "larch", "linden", "lotus", "maple", "marlin", "meadow", "mistral",
    "nectar", "nimbus", "oak", "onyx", "orchid", "osprey", "otter", "pebble", "pepper", "pine",
    "plover", "quartz", "quill", "raven", "reef", "rowan", "saffron", "sequoia", "sorrel", "spruce",
    "starling", "summit", "tamarind", "thistle", "tundra", "umber", "velvet", "walnut", "willow", "zephyr",
]


def _b62(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = (DIGITS + UPPER + LOWER)[r] + out
    return out.rjust(width, "0")


def b64url_nopad(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64(text) -> str:
    """Standard base64 of a string (or bytes), with padding."""
    if isinstance(text, str):
        text = text.encode()
    return base64.b64encode(text).decode()


def wrap(s: str, width: int) -> str:
    return "\n".join(s[i : i + width] for i in range(0, len(s), width))


class Values:
    def __init__(self, seed=20250317):
        self.r = random.Random(seed)
        self.named = {}

    # ---- building blocks -------------------------------------------------
    def chars(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def mixed(self, alphabet, n):
        """Random characters with at least one upper, lower and digit when the alphabet has them."""
        while True:
            s = self.chars(alphabet, n)
            need = [set(UPPER), set(LOWER), set(DIGITS)]
            if all(not (c & set(alphabet)) or (c & set(s)) for c in need):
                return s

    def hex(self, n):
        while True:
            s = self.chars(HEX, n)
            if any(c.isdigit() for c in s) and any(c.isalpha() for c in s):
                return s

    def digits(self, n):
        return str(self.r.randint(1, 9)) + self.chars(DIGITS, n - 1)

    def bytes(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    # ---- passwords -------------------------------------------------------
    def password(self, n=None):
        """A generated password (password manager style)."""
        n = n or self.r.randint(18, 28)
        while True:
            s = self.mixed(ALNUM + PW_SYMBOLS, n)
            if s[0] not in PW_SYMBOLS and any(c in PW_SYMBOLS for c in s):
                return s

    def url_password(self, n=None):
        """A generated password that needs no escaping in a URL's userinfo."""
        return self.mixed(URL_SAFE, n or self.r.randint(18, 28))

    def alnum_password(self, n=None):
        return self.mixed(ALNUM, n or self.r.randint(20, 32))

    def human_password(self):
        """An invented human-chosen password: words, digits, a symbol."""
        a, b = self.r.sample(WORDS, 2)
        sep = self.r.choice("!-_.+*")
        tail = self.r.choice([str(self.r.randint(10, 99)), str(self.r.randint(2019, 2026)), self.digits(3)])
        style = self.r.randint(0, 3)
        if style == 0:
            return f"{a.capitalize()}{sep}{b.capitalize()}{tail}"
        if style == 1:
            return f"{a.capitalize()}{tail}{sep}{b}"
        if style == 2:
            leet = a.replace("o", "0").replace("e", "3").replace("a", "@")
            return f"{leet.capitalize()}{b.capitalize()}{sep}{tail}"
        return f"{b.capitalize()}{sep}{a}{sep}{tail}"

    def django_secret(self):
        return self.chars(DJANGO, 50)

    # ---- cloud -------------------------------------------------------------
    def aws_key_id(self, prefix="AKIA"):
        return prefix + self.chars(BASE32, 16)

    def aws_secret(self):
        return self.mixed(B64, 40)

    def aws_session_token(self):
        return "IQoJb3JpZ2luX2VjE" + self.mixed(B64, 403) + "=="

    def azure_storage_key(self):
        return b64(self.bytes(64))

    def azure_sb_key(self):
        return b64(self.bytes(32))

    def azure_sas_sig(self):
        s = b64(self.bytes(32))
        return s.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")

    def azure_client_secret(self):
        return self.mixed(ALNUM, 3) + self.r.choice(DIGITS) + "Q~" + self.mixed(ALNUM + "_~.-", 34)

    def google_api_key(self):
        return "AIza" + self.mixed(B64URL, 35)

    def google_oauth_secret(self):
        return "GOCSPX-" + self.mixed(B64URL, 28)

    # ---- source hosting ----------------------------------------------------
    def github(self, prefix="ghp"):
        body = self.mixed(ALNUM, 30)
        return f"{prefix}_{body}{_b62(zlib.crc32(body.encode()), 6)}"

    def github_pat(self):
        return "github_pat_11" + self.mixed(UPPER + DIGITS, 20) + "_" + self.mixed(ALNUM, 59)

    def gitlab(self, prefix="glpat-"):
        return prefix + self.mixed(ALNUM + "_-", 20)

    def gitlab_runner_registration(self):
        return "GR1348941" + self.mixed(ALNUM + "_-", 20)

    def gitlab_trigger(self):
        return "glptt-" + self.hex(40)

    # ---- SaaS --------------------------------------------------------------
    def slack_bot(self):
        return f"xoxb-{self.digits(12)}-{self.digits(13)}-{self.mixed(ALNUM, 24)}"

    def slack_user(self):
        return f"xoxp-{self.digits(12)}-{self.digits(12)}-{self.digits(13)}-{self.hex(32)}"

    def slack_app(self):
        return f"xapp-1-A{self.chars(UPPER + DIGITS, 10)}-{self.digits(13)}-{self.hex(64)}"

    def slack_webhook(self):
        return (
            "https://hooks.slack.com/services/T0"
            + self.chars(UPPER + DIGITS, 8)
            + "/B0"
            + self.chars(UPPER + DIGITS, 9)
            + "/"
            + self.mixed(ALNUM, 24)
        )

    def discord_webhook(self):
        return f"https://discord.com/api/webhooks/{self.digits(19)}/{self.mixed(B64URL, 68)}"

    def stripe(self, prefix="sk_live_"):
        return prefix + "51" + self.mixed(ALNUM, 97)

    def stripe_webhook(self):
        return "whsec_" + self.mixed(ALNUM, 32)

    def twilio_sid(self, prefix="AC"):
        return prefix + self.hex(32)

    def sendgrid(self):
        return "SG." + self.mixed(B64URL, 22) + "." + self.mixed(B64URL, 43)

    def npm(self):
        body = self.mixed(ALNUM, 30)
        return f"npm_{body}{_b62(zlib.crc32(body.encode()), 6)}"

    def pypi(self):
        return "pypi-AgEIcHlwaS5vcmcCJ" + self.mixed(B64URL, 156)

    def crates(self):
        return "cio" + self.mixed(ALNUM, 32)

    def openai(self, kind="proj"):
        if kind == "legacy":
            return "sk-" + self.mixed(ALNUM, 20) + "T3BlbkFJ" + self.mixed(ALNUM, 20)
        return f"sk-{kind}-" + self.mixed(B64URL, 74) + "T3BlbkFJ" + self.mixed(B64URL, 74)

    def anthropic(self, kind="api03"):
        return f"sk-ant-{kind}-" + self.mixed(B64URL, 93) + "AA"

    def jwt(self, payload, alg="HS256", kid=None):
        header = {"alg": alg, "typ": "JWT"}
        if kid:
            header["kid"] = kid
        h = b64url_nopad(json.dumps(header, separators=(",", ":")).encode())
        p = b64url_nopad(json.dumps(payload, separators=(",", ":")).encode())
        sig = b64url_nopad(self.bytes(256 if alg.startswith("RS") else 32))
        return f"{h}.{p}.{sig}"

    def vault(self, prefix="hvs."):
        if prefix == "hvb.":
            return "hvb.AAAAAQ" + self.mixed(B64URL, 128)
        return "hvs.CAESI" + self.mixed(B64URL, 86)

    def tfc(self):
        return self.mixed(ALNUM, 14) + ".atlasv1." + self.mixed(ALNUM, 67)

    def sonar(self, prefix="sqp_"):
        return prefix + self.hex(40)

    def artifactory(self):
        return "AKCp8" + self.mixed(ALNUM, 68)

    def dockerhub(self):
        return "dckr_pat_" + self.mixed(B64URL, 27)

    def grafana(self):
        return "glsa_" + self.mixed(ALNUM, 32) + "_" + self.hex(8)

    def huggingface(self):
        return "hf_" + self.mixed(UPPER + LOWER, 34)

    def digitalocean(self):
        return "dop_v1_" + self.hex(64)

    def shopify(self, prefix="shpat_"):
        return prefix + self.hex(32)

    def sentry_user(self):
        return "sntryu_" + self.hex(64)

    def sentry_org(self, org):
        claims = {"iat": 1718000000 + self.r.randint(0, 9_000_000), "url": "https://sentry.io",
                  "region_url": "https://de.sentry.io", "org": org}
        return "sntrys_" + b64url_nopad(json.dumps(claims, separators=(",", ":")).encode()) + "_" + self.mixed(B64URL, 43)

    def postman(self):
        return f"PMAK-{self.hex(24)}-{self.hex(34)}"

    def age_secret(self):
        return "AGE-SECRET-KEY-1" + self.chars(BECH32, 58)

    def age_recipient(self):
        return "age1" + self.chars(BECH32.lower(), 58)

    # ---- keys and certificates -------------------------------------------
    def _der(self, kind):
        if kind == "rsa":
            return bytes.fromhex("308204a40201000282010100") + self.bytes(1180)
        if kind == "pkcs8":
            return bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8308204a40201000282010100") + self.bytes(1170)
        if kind == "ec":
            return (bytes.fromhex("30770201010420") + self.bytes(32)
                    + bytes.fromhex("a00a06082a8648ce3d030107a144034200") + b"\x04" + self.bytes(64))
        if kind == "cert":
            return bytes.fromhex("3082038d30820275a003020102021456") + self.bytes(880)
        if kind == "pub":
            return bytes.fromhex("30820122300d06092a864886f70d01010105000382010f003082010a0282010100") + self.bytes(262)
        raise ValueError(kind)

    def pem(self, kind="rsa"):
        """A PEM block with `\\n` line ends (no trailing newline)."""
        if kind == "openssh":
            pub = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + self.bytes(32)
            body = (b"openssh-key-v1\x00" + struct.pack(">I", 4) + b"none" + struct.pack(">I", 4) + b"none"
                    + struct.pack(">I", 0) + struct.pack(">I", 1) + struct.pack(">I", len(pub)) + pub
                    + struct.pack(">I", 144) + self.bytes(144))
            return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + wrap(b64(body), 70) + "\n-----END OPENSSH PRIVATE KEY-----"
        if kind == "pgp":
            body = b"\x95\x07\x46\x04" + self.bytes(1300)
            crc = b64(self.bytes(3))
            return ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + wrap(b64(body), 64) + "\n=" + crc
                    + "\n-----END PGP PRIVATE KEY BLOCK-----")
        label = {"rsa": "RSA PRIVATE KEY", "pkcs8": "PRIVATE KEY", "ec": "EC PRIVATE KEY",
                 "cert": "CERTIFICATE", "pub": "PUBLIC KEY"}[kind]
        return f"-----BEGIN {label}-----\n" + wrap(b64(self._der(kind)), 64) + f"\n-----END {label}-----"

    def pem_json(self, kind="pkcs8"):
        """A PEM as a JSON string body (`\\n` escapes, trailing newline)."""
        return self.pem(kind).replace("\n", "\\n") + "\\n"

    def pem_b64(self, kind="rsa"):
        """A PEM base64-encoded on one line (Kubernetes `tls.key`, kubeconfig `client-key-data`)."""
        return b64(self.pem(kind) + "\n")

    def ssh_public(self, comment):
        return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + self.mixed(B64, 43) + " " + comment

    def sha256(self):
        return self.chars(HEX, 64)

    def git_sha(self):
        return self.chars(HEX, 40)

    def uuid(self):
        h = self.chars(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{self.r.choice('89ab')}{h[17:20]}-{h[20:]}"

    def integrity(self):
        return "sha512-" + b64(self.bytes(64))

    # ---- names -----------------------------------------------------------
    def get(self, kind, name=None, *args):
        """A value of `kind`; with `name`, the same value on every call."""
        if name is not None and name in self.named:
            return self.named[name]
        fn = KINDS[kind]
        v = fn(self, *args)
        if name is not None:
            self.named[name] = v
        return v


KINDS = {
    "password": Values.password,
    "alnum-password": Values.alnum_password,
    "url-password": Values.url_password,
    "human-password": Values.human_password,
    "django-secret": Values.django_secret,
    "aws-access-key": Values.aws_key_id,
    "aws-temp-key": lambda s: s.aws_key_id("ASIA"),
    "aws-secret-key": Values.aws_secret,
    "aws-session-token": Values.aws_session_token,
    "azure-storage-key": Values.azure_storage_key,
    "azure-sb-key": Values.azure_sb_key,
    "azure-sas-sig": Values.azure_sas_sig,
    "azure-client-secret": Values.azure_client_secret,
    "google-api-key": Values.google_api_key,
    "google-oauth-client-secret": Values.google_oauth_secret,
    "github-classic": lambda s: s.github("ghp"),
    "github-oauth": lambda s: s.github("gho"),
    "github-installation": lambda s: s.github("ghs"),
    "github-fine-grained": Values.github_pat,
    "gitlab-pat": lambda s: s.gitlab("glpat-"),
    "gitlab-runner": lambda s: s.gitlab("glrt-"),
    "gitlab-deploy": lambda s: s.gitlab("gldt-"),
    "gitlab-registration": Values.gitlab_runner_registration,
    "gitlab-trigger": Values.gitlab_trigger,
    "slack-bot": Values.slack_bot,
    "slack-user": Values.slack_user,
    "slack-app": Values.slack_app,
    "slack-webhook": Values.slack_webhook,
    "discord-webhook": Values.discord_webhook,
    "stripe-secret": lambda s: s.stripe("sk_live_"),
    "stripe-restricted": lambda s: s.stripe("rk_live_"),
    "stripe-publishable": lambda s: s.stripe("pk_live_"),
    "stripe-webhook": Values.stripe_webhook,
    "twilio-sid": lambda s: s.twilio_sid("AC"),
    "twilio-api-key": lambda s: s.twilio_sid("SK"),
    "twilio-service-sid": lambda s: s.twilio_sid("MG"),
    "sendgrid": Values.sendgrid,
    "npm": Values.npm,
    "pypi": Values.pypi,
    "crates": Values.crates,
    "openai-proj": lambda s: s.openai("proj"),
    "openai-svcacct": lambda s: s.openai("svcacct"),
    "openai-legacy": lambda s: s.openai("legacy"),
    "anthropic": lambda s: s.anthropic("api03"),
    "anthropic-admin": lambda s: s.anthropic("admin01"),
    "vault": Values.vault,
    "vault-batch": lambda s: s.vault("hvb."),
    "tfc": Values.tfc,
    "sonar-project": lambda s: s.sonar("sqp_"),
    "sonar-user": lambda s: s.sonar("squ_"),
    "artifactory": Values.artifactory,
    "dockerhub": Values.dockerhub,
    "grafana": Values.grafana,
    "huggingface": Values.huggingface,
    "digitalocean": Values.digitalocean,
    "shopify": Values.shopify,
    "sentry-user": Values.sentry_user,
    "postman": Values.postman,
    "age-secret": Values.age_secret,
    "age-recipient": Values.age_recipient,
    "hex32": lambda s: s.hex(32),
    "hex40": lambda s: s.hex(40),
    "hex64": lambda s: s.hex(64),
    "alnum32": lambda s: s.mixed(ALNUM, 32),
    "alnum40": lambda s: s.mixed(ALNUM, 40),
    "b64-32": lambda s: b64(s.bytes(32)),
    "b64-48": lambda s: b64(s.bytes(48)),
    "sha256": Values.sha256,
    "git-sha": Values.git_sha,
    "uuid": Values.uuid,
    "integrity": Values.integrity,
    "pem-rsa": lambda s: s.pem("rsa"),
    "pem-pkcs8": lambda s: s.pem("pkcs8"),
    "pem-ec": lambda s: s.pem("ec"),
    "pem-openssh": lambda s: s.pem("openssh"),
    "pem-pgp": lambda s: s.pem("pgp"),
    "certificate": lambda s: s.pem("cert"),
    "public-key": lambda s: s.pem("pub"),
}


def main(argv):
    if "--list" in argv:
        print("\n".join(sorted(KINDS)))
        return 0
    seed = 20250317
    if "--seed" in argv:
        i = argv.index("--seed")
        seed = int(argv[i + 1])
        del argv[i : i + 2]
    if not argv:
        print(__doc__)
        return 2
    kind = argv[0]
    count = int(argv[1]) if len(argv) > 1 else 1
    v = Values(seed)
    for _ in range(count):
        print(v.get(kind))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
