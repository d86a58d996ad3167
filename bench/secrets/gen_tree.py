#!/usr/bin/env python3
"""Generate a deterministic benchmark tree for secret scanners.

    python3 gen_tree.py OUT_DIR [--mb 30] [--seed 20250210] [--labels FILE]

Writes ~MB megabytes of mixed Infrastructure-as-Code and smaqit spec Markdown
under OUT_DIR (which must not exist or be empty; --force wipes it): Terraform
(.tf, .tfvars, .terraform.lock.hcl), Kubernetes manifests, Helm values and
templates, docker-compose files, .env files, JSON (appsettings,
package-lock), Dockerfiles, shell scripts, smaqit specs under
specs/<layer>/ and deployment reports under .smaqit/reports/.

Secrets are sparse (about one per 100 KB) and realistic in shape; tempting
non-secrets are everywhere: ${secrets.X} references, ${{ secrets.X }},
Helm/Jinja templates, var.x, checksums, integrity hashes, image digests,
UUIDs, git SHAs, ARNs, public keys, placeholders, the AWS documentation
example key, publishable keys. Every planted secret is written to --labels
(default OUT_DIR.labels.json, outside the tree) as {"file", "line", "kind"},
in the format of the labelled corpus.

Same seed and size give a byte-identical tree (the PRNG is Python's Mersenne
Twister seeded with an int, whose getrandbits/choice/choices/random are
stable across CPython 3.x). The last line printed is a SHA-256 digest of the
whole tree to check that.

This file holds no credential-shaped literal: every vendor prefix is
assembled at run time, so scanners pointed at the repository stay quiet.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import sys

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
B32 = UPPER + "234567"

WORDS = [
    "ledger", "harbor", "quarry", "tide", "fjord", "orchard", "billing", "gateway",
    "worker", "ingest", "report", "search", "payments", "identity", "catalog",
    "inventory", "notify", "scheduler", "audit", "export", "frontend", "backend",
    "cache", "queue", "metrics", "ferry", "kittiwake", "wayfarer", "larkspur",
    "copperleaf", "saltmarsh", "tidewater", "harborlight", "driftwood", "moorland",
]
PROSE = (
    "the service deploys to a private subnet and reads its configuration from "
    "environment variables resolved by the trusted executor at deploy time every "
    "request is authenticated with short-lived credentials rotated daily operators "
    "never see values key rotation runs weekly token lifetime is fifteen minutes "
    "password policy requires twelve characters a failed health check rolls back "
    "the release traffic moves to the new version gradually logs are shipped to "
    "the central store and kept for ninety days"
).split()
HUMAN_WORDS = ["Harbor", "Quarry", "Tide", "Fjord", "Orchard", "Kestrel", "Lantern",
               "Marble", "Copper", "Willow", "Granite", "Falcon", "Meadow", "Summit"]
SYMBOLS = "!#%&*+-=?@^_"
ENVS = ["dev", "staging", "prod"]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2"]
LAYERS = ["business", "functional", "stack", "infrastructure", "coverage"]
PREFIX = {"business": "BUS", "functional": "FUN", "stack": "STK",
          "infrastructure": "INF", "coverage": "COV"}


def cat(*parts):
    """Join at run time so no credential prefix is a literal in this file."""
    return "".join(parts)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def below(self, n):
        return self.r.randrange(n)

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def s(self, n, alphabet=ALNUM):
        return "".join(self.r.choices(alphabet, k=n))

    def hexs(self, n):
        return self.s(n, HEX)

    def uuid(self):
        h = self.hexs(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def b64bytes(self, n):
        return base64.b64encode(bytes(self.r.getrandbits(8) for _ in range(n))).decode()

    def sentence(self, lo=8, hi=24):
        n = lo + self.below(hi - lo)
        w = [self.pick(PROSE) for _ in range(n)]
        return " ".join(w).capitalize() + "."

    def account(self):
        return str(100000000000 + self.below(899999999999))

    # ---- realistic fake secrets: (value, kind, conventional env name) ----
    def secret(self):
        k = self.below(20)
        if k == 0:
            return cat("AK", "IA") + self.s(16, B32), "aws-access-key", "AWS_ACCESS_KEY_ID"
        if k == 1:
            return self.s(40, B64), "aws-secret-key", "AWS_SECRET_ACCESS_KEY"
        if k == 2:
            return cat("gh", "p_") + self.s(36), "github-token", "GITHUB_TOKEN"
        if k == 3:
            return cat("gl", "pat-") + self.s(20, URLSAFE), "gitlab-token", "GITLAB_TOKEN"
        if k == 4:
            return (cat("xo", "xb-") + self.s(11, DIGITS) + "-" + self.s(13, DIGITS) + "-" + self.s(24),
                    "slack-token", "SLACK_BOT_TOKEN")
        if k == 5:
            return (cat("https://hooks.sl", "ack.com/services/T") + self.s(8, UPPER + DIGITS) + "/B"
                    + self.s(10, UPPER + DIGITS) + "/" + self.s(24), "slack-webhook", "SLACK_WEBHOOK_URL")
        if k == 6:
            return cat("sk_", "live_") + self.s(24), "stripe-key", "STRIPE_SECRET_KEY"
        if k == 7:
            return (cat("S", "G.") + self.s(22, URLSAFE) + "." + self.s(43, URLSAFE),
                    "sendgrid-key", "SENDGRID_API_KEY")
        if k == 8:
            return cat("AI", "za", "Sy") + self.s(33, URLSAFE), "google-api-key", "GOOGLE_API_KEY"
        if k == 9:
            return cat("np", "m_") + self.s(36), "npm-token", "NPM_TOKEN"
        if k == 10:
            return (cat("sk-", "proj-") + self.s(64, URLSAFE) + "T3Blbk" + "FJ" + self.s(20, URLSAFE),
                    "openai-key", "OPENAI_API_KEY")
        if k in (11, 12):
            user = self.pick(WORDS)
            userinfo = cat(user, ":", self.s(20))
            return (cat("postgres://", userinfo, "@db-", user, ".internal:5432/", user),
                    "url-credentials", "DATABASE_URL")
        if k in (13, 14, 15):
            if self.chance(0.5):
                v = self.pick(HUMAN_WORDS) + self.pick(SYMBOLS) + self.pick(HUMAN_WORDS) + self.s(4, DIGITS)
            else:
                v = self.s(18 + self.below(10), ALNUM + "!#%^*")
            return v, "generic-password", "DB_PASSWORD"
        if k in (16, 17):
            return self.s(48, ALNUM), "generic-secret", "JWT_SIGNING_KEY"
        if k == 18:
            return self.jwt(), "jwt", "API_BEARER_TOKEN"
        return cat("hv", "s.") + self.s(24), "vault-token", "VAULT_TOKEN"

    def jwt(self):
        hdr = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
        body = json.dumps({"sub": self.uuid(), "iss": self.pick(WORDS), "iat": 1700000000 + self.below(10**7)})
        pay = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
        return f"{hdr}.{pay}.{self.s(43, URLSAFE)}"

    def pem_b64(self, label):
        """A PEM block (random body), base64-encoded on one line as in a k8s Secret."""
        body = "\n".join(self.s(64, B64) for _ in range(14 + self.below(8)))
        pem = cat("-----BEGIN ", label, "-----\n", body, "\n-----END ", label, "-----\n")
        return base64.b64encode(pem.encode()).decode()

    def private_key_block(self):
        label = cat(self.pick(["RSA ", "EC ", "OPENSSH ", ""]), "PRIVATE KEY")
        lines = [cat("-----BEGIN ", label, "-----")]
        for _ in range(12 + self.below(14)):
            lines.append(self.s(64, B64))
        lines.append(self.s(self.below(60) + 4, B64) + "==")
        lines.append(cat("-----END ", label, "-----"))
        return lines

    # ---- tempting negatives ----
    def ref(self, name, style):
        if style == "smaqit":
            return "${secrets." + name + "}"
        if style == "gha":
            return "${{ secrets." + name + " }}"
        if style == "helm":
            return "{{ .Values." + name.lower() + " }}"
        if style == "shell":
            return self.pick(["$" + name, "${" + name + "}", "${" + name + ":-}",
                              "$(cat /run/secrets/" + name.lower() + ")"])
        return self.pick(["changeme", "<your-" + name.lower().replace("_", "-") + ">", "REPLACE_ME",
                          "", "xxxxxxxxxxxxxxxx", "********", "TODO"])

    def example_aws(self):
        return cat("AKIA", "IOSFODNN7", "EXAMPLE")

    def ssh_pub(self):
        return cat("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", self.s(43, B64), " deploy@", self.pick(WORDS))

    def arn(self, svc):
        return f"arn:aws:secretsmanager:{self.pick(REGIONS)}:{self.account()}:secret:{svc}/db-{self.s(6)}"

    def digest(self):
        return "sha256:" + self.hexs(64)


class Doc:
    """A file built line by line, recording the line of each planted secret."""

    def __init__(self, path, tree):
        self.path = path
        self.lines = []
        self.tree = tree

    def add(self, text):
        self.lines.extend(text.split("\n"))

    def secret(self, line, kind):
        self.lines.append(line)
        self.tree.labels.append({"file": self.path, "line": len(self.lines), "kind": kind})

    def key_block(self, indent, g):
        block = g.private_key_block()
        self.tree.labels.append({"file": self.path, "line": len(self.lines) + 1, "kind": "private-key"})
        for ln in block:
            self.lines.append(indent + ln)

    def text(self):
        return "\n".join(self.lines) + "\n"


class Tree:
    def __init__(self, g, rate):
        self.g = g
        self.rate = rate  # probability that one secret slot holds a real secret
        self.files = {}
        self.labels = []
        self.bytes = 0

    def doc(self, path):
        return Doc(path, self)

    def put(self, doc):
        t = doc.text()
        self.files[doc.path] = t
        self.bytes += len(t.encode())

    def plant(self):
        return self.g.chance(self.rate)


# --------------------------------------------------------------------------
# file generators; `t` is the Tree, `g` its Gen, `svc` the service name
# --------------------------------------------------------------------------

def terraform_main(t, g, svc, env, path):
    d = t.doc(path)
    d.add(f'terraform {{\n  required_version = ">= 1.6"\n  backend "s3" {{\n    bucket         = "tfstate-{svc}-{g.hexs(6)}"\n'
          f'    key            = "{svc}/{env}/terraform.tfstate"\n    region         = "{g.pick(REGIONS)}"\n'
          f'    dynamodb_table = "tf-locks"\n    encrypt        = true\n  }}\n}}\n')
    d.add(f'provider "aws" {{\n  region = var.region\n  default_tags {{\n    tags = {{ Service = "{svc}", Env = "{env}" }}\n  }}\n}}\n')
    for _ in range(3 + g.below(8)):
        k = g.below(6)
        name = g.pick(WORDS)
        if k == 0:
            d.add(f'resource "aws_db_instance" "{name}" {{\n  identifier        = "{svc}-{name}-{env}"\n'
                  f'  engine            = "postgres"\n  engine_version    = "16.{g.below(4)}"\n'
                  f'  instance_class    = "db.t4g.{g.pick(["medium", "large"])}"\n  username          = "{name}_admin"')
            if t.plant():
                v, kind, _ = g.secret()
                if kind not in ("generic-password", "generic-secret"):
                    v, kind = g.pick(HUMAN_WORDS) + "!" + g.s(10), "generic-password"
                d.secret(f'  password          = "{v}"', kind)
            else:
                d.add(g.pick(["  password          = var.db_password",
                              "  password          = random_password.db.result",
                              "  manage_master_user_password = true",
                              '  password          = "${secrets.' + name.upper() + '_DB_PASSWORD}"']))
            d.add(f'  kms_key_id        = "arn:aws:kms:{g.pick(REGIONS)}:{g.account()}:key/{g.uuid()}"\n'
                  f'  storage_encrypted = true\n}}\n')
        elif k == 1:
            d.add(f'resource "aws_secretsmanager_secret" "{name}" {{\n  name = "{svc}/{env}/{name}"\n'
                  f'  recovery_window_in_days = 7\n}}\n\n'
                  f'data "aws_secretsmanager_secret_version" "{name}" {{\n  secret_id = "{g.arn(svc)}"\n}}\n')
        elif k == 2:
            d.add(f'module "{name}_service" {{\n  source  = "git::https://git.example.com/infra/modules.git//ecs-service?ref={g.hexs(40)}"\n'
                  f'  name    = "{svc}-{name}"\n  image   = "registry.example.com/{svc}/{name}@{g.digest()}"\n'
                  f'  cpu     = {256 * (1 + g.below(4))}\n  memory  = {512 * (1 + g.below(8))}\n  environment = {{')
            d.add(f'    LOG_LEVEL      = "info"\n    REGION         = var.region\n    TENANT_ID      = "{g.uuid()}"')
            if t.plant():
                v, kind, envname = g.secret()
                d.secret(f'    {envname} = "{v}"', kind)
            else:
                d.add(f'    API_TOKEN      = "{g.ref("API_TOKEN", "smaqit")}"')
            d.add('  }\n  secrets = {\n    DB_PASSWORD = "' + g.arn(svc) + ':password::"\n  }\n}\n')
        elif k == 3:
            d.add(f'resource "aws_iam_role" "{name}" {{\n  name = "{svc}-{name}-{env}"\n  assume_role_policy = jsonencode({{\n'
                  f'    Version = "2012-10-17"\n    Statement = [{{\n      Effect    = "Allow"\n'
                  f'      Principal = {{ Service = "ecs-tasks.amazonaws.com" }}\n      Action    = "sts:AssumeRole"\n'
                  f'    }}]\n  }})\n}}\n')
        elif k == 4:
            d.add(f'resource "random_password" "{name}" {{\n  length  = 32\n  special = true\n}}\n\n'
                  f'resource "aws_ssm_parameter" "{name}" {{\n  name  = "/{svc}/{env}/{name}"\n  type  = "SecureString"\n'
                  f'  value = random_password.{name}.result\n  key_id = "alias/{svc}"\n}}\n')
        else:
            d.add(f'resource "aws_s3_bucket" "{name}" {{\n  bucket = "{svc}-{name}-{env}-{g.hexs(8)}"\n}}\n\n'
                  f'resource "aws_s3_object" "{name}_seed" {{\n  bucket = aws_s3_bucket.{name}.id\n  key    = "seed/{name}.json"\n'
                  f'  source = "${{path.module}}/files/{name}.json"\n  etag   = filemd5("${{path.module}}/files/{name}.json")\n'
                  f'  # checksum {g.hexs(32)}\n}}\n')
    t.put(d)


def terraform_vars(t, g, svc, env, dirp):
    d = t.doc(f"{dirp}/variables.tf")
    for name in ["region", "db_password", "api_token", "replicas", "image_tag", "vpc_id"]:
        sens = "\n  sensitive   = true" if name in ("db_password", "api_token") else ""
        default = {
            "region": f'"{g.pick(REGIONS)}"', "replicas": str(1 + g.below(6)),
            "image_tag": f'"{g.hexs(7)}"', "vpc_id": f'"vpc-{g.hexs(17)}"',
        }.get(name)
        d.add(f'variable "{name}" {{\n  type        = {"number" if name == "replicas" else "string"}\n'
              f'  description = "{g.sentence(4, 10)}"{sens}')
        if default:
            d.add(f"  default     = {default}")
        elif name == "api_token" and t.plant():
            v, kind, _ = g.secret()
            d.secret(f'  default     = "{v}"', kind)
        d.add("}\n")
    t.put(d)
    d = t.doc(f"{dirp}/{env}.tfvars")
    d.add(f'region     = "{g.pick(REGIONS)}"\nreplicas   = {1 + g.below(6)}\nimage_tag  = "{g.hexs(40)}"\n'
          f'vpc_id     = "vpc-{g.hexs(17)}"\nsubnet_ids = ["subnet-{g.hexs(17)}", "subnet-{g.hexs(17)}"]')
    if t.plant():
        v, kind, envname = g.secret()
        d.secret(f'{envname.lower()} = "{v}"', kind)
    else:
        d.add('db_password = "' + g.ref("DB_PASSWORD", "smaqit") + '"')
    t.put(d)


def terraform_lock(t, g, dirp):
    d = t.doc(f"{dirp}/.terraform.lock.hcl")
    d.add("# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n")
    for prov in g.r.sample(["aws", "random", "null", "tls", "kubernetes", "helm", "cloudflare", "azurerm"], 3 + g.below(3)):
        d.add(f'provider "registry.terraform.io/hashicorp/{prov}" {{\n  version     = "{g.below(6)}.{g.below(80)}.{g.below(9)}"\n'
              f'  constraints = "~> {g.below(6)}.0"\n  hashes = [')
        d.add(f'    "h1:{g.b64bytes(32)}",')
        for _ in range(10 + g.below(6)):
            d.add(f'    "zh:{g.hexs(64)}",')
        d.add("  ]\n}\n")
    t.put(d)


def k8s_deployment(t, g, svc, env, path):
    d = t.doc(path)
    ns = f"{svc}-{env}"
    for _ in range(1 + g.below(3)):
        name = g.pick(WORDS)
        d.add(f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {svc}-{name}\n  namespace: {ns}\n  labels:\n"
              f"    app.kubernetes.io/name: {svc}-{name}\n    app.kubernetes.io/version: \"{g.below(9)}.{g.below(30)}.{g.below(9)}\"\n"
              f"  annotations:\n    checksum/config: {g.hexs(64)}\n    checksum/secret: {g.hexs(64)}\n"
              f"spec:\n  replicas: {1 + g.below(6)}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {svc}-{name}\n"
              f"  template:\n    spec:\n      serviceAccountName: {svc}\n      containers:\n        - name: {name}\n"
              f"          image: registry.example.com/{svc}/{name}@{g.digest()}\n          ports:\n"
              f"            - name: http\n              containerPort: 8080\n          env:\n"
              f"            - name: LOG_LEVEL\n              value: info\n            - name: DATABASE_URL\n"
              f"              value: postgres://{name}@db.{ns}.svc:5432/{name}\n            - name: DB_PASSWORD\n"
              f"              valueFrom:\n                secretKeyRef: {{ name: {svc}-db, key: password }}\n"
              f"            - name: TENANT_ID\n              value: \"{g.uuid()}\"\n            - name: BUILD_SHA\n"
              f"              value: \"{g.hexs(40)}\"")
        for _ in range(1 + g.below(2)):
            if t.plant():
                v, kind, envname = g.secret()
                d.add(f"            - name: {envname}")
                d.secret(f"              value: \"{v}\"", kind)
            else:
                d.add(f"            - name: API_TOKEN\n              value: \"{g.ref('API_TOKEN', 'smaqit')}\"")
        d.add(f"          envFrom:\n            - secretRef:\n                name: {svc}-env\n"
              f"          resources:\n            requests: {{ cpu: 250m, memory: 512Mi }}\n            limits: {{ memory: 1Gi }}\n"
              f"          readinessProbe:\n            httpGet: {{ path: /healthz, port: http }}\n---")
    d.add(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {svc}\n  namespace: {ns}\nspec:\n  selector:\n"
          f"    app.kubernetes.io/part-of: {svc}\n  ports:\n    - port: 80\n      targetPort: http")
    t.put(d)


def k8s_secret(t, g, svc, env, path):
    d = t.doc(path)
    d.add(f"apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: {svc}-db\n  namespace: {svc}-{env}\n"
          f"spec:\n  refreshInterval: 1h\n  secretStoreRef:\n    name: vault\n    kind: ClusterSecretStore\n  target:\n    name: {svc}-db\n"
          f"  data:\n    - secretKey: password\n      remoteRef:\n        key: secret/data/{svc}/{env}/db\n        property: password\n---")
    d.add(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {svc}-env\n  namespace: {svc}-{env}\ntype: Opaque\ndata:\n"
          f"  username: {base64.b64encode((svc + '_app').encode()).decode()}\n"
          f"  host: {base64.b64encode(f'db.{svc}-{env}.svc.cluster.local'.encode()).decode()}\n"
          f"  port: {base64.b64encode(b'5432').decode()}")
    if t.plant():
        pw = g.s(24)
        d.secret(f"  password: {base64.b64encode(pw.encode()).decode()}", "k8s-secret-data")
    d.add("stringData:\n  API_TOKEN: \"${secrets." + svc.upper().replace("-", "_") + "_API_TOKEN}\"\n  SMTP_PASSWORD: \"${secrets.SMTP_PASSWORD}\"")
    if t.plant():
        v, kind, envname = g.secret()
        d.secret(f"  {envname}: \"{v}\"", kind)
    if g.chance(0.15):
        d.add(f"---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {svc}-tls\ntype: kubernetes.io/tls\ndata:\n"
              f"  tls.crt: {g.pem_b64('CERTIFICATE')}")
        if t.plant():
            d.secret(f"  tls.key: {g.pem_b64(cat('RSA ', 'PRIVATE KEY'))}", "private-key")
        else:
            d.add("  tls.key: \"\"")
    t.put(d)


def k8s_configmap(t, g, svc, env, path):
    d = t.doc(path)
    d.add(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {svc}-config\n  namespace: {svc}-{env}\ndata:")
    for _ in range(8 + g.below(20)):
        k = g.below(7)
        name = g.pick(WORDS).upper()
        if k == 0:
            d.add(f"  {name}_URL: https://{name.lower()}.{svc}.svc.cluster.local:8080")
        elif k == 1:
            d.add(f"  {name}_TIMEOUT_MS: \"{g.below(30000)}\"")
        elif k == 2:
            d.add(f"  {name}_SENTRY_DSN: https://{g.hexs(32)}@o{g.below(999999)}.ingest.sentry.io/{g.below(9999999)}")
        elif k == 3:
            d.add(f"  {name}_KEY_ID: \"{g.uuid()}\"")
        elif k == 4:
            d.add(f"  {name}_PASSWORD_FILE: /run/secrets/{name.lower()}_password")
        elif k == 5:
            d.add(f"  {name}_CACHE_KEY: \"{g.hexs(40)}\"")
        else:
            d.add(f"  {name}_TOKEN_TTL: \"{g.below(3600)}s\"")
    d.add("  application.yaml: |\n    server:\n      port: 8080\n    spring:\n      datasource:\n"
          f"        url: jdbc:postgresql://db.{svc}-{env}.svc:5432/{svc}\n        username: {svc}\n        password: ${{DB_PASSWORD}}")
    if t.plant():
        v, kind, envname = g.secret()
        d.secret(f"    {envname.lower().replace('_', '-')}: {v}", kind)
    t.put(d)


def helm_values(t, g, svc, env, path):
    d = t.doc(path)
    d.add(f"replicaCount: {1 + g.below(5)}\nimage:\n  repository: registry.example.com/{svc}/api\n  tag: \"{g.hexs(7)}\"\n"
          f"  digest: {g.digest()}\n  pullPolicy: IfNotPresent\nimagePullSecrets:\n  - name: regcred\n"
          f"serviceAccount:\n  create: true\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::{g.account()}:role/{svc}-{env}\n"
          f"postgresql:\n  enabled: false\n  auth:\n    existingSecret: {svc}-db\n    secretKeys:\n      adminPasswordKey: postgres-password")
    for _ in range(3 + g.below(6)):
        comp = g.pick(WORDS)
        d.add(f"{comp}:\n  enabled: {g.pick(['true', 'false'])}\n  resources:\n    limits:\n      cpu: {g.below(4) + 1}\n"
              f"      memory: {256 * (1 + g.below(8))}Mi\n  podAnnotations:\n    checksum/config: {g.hexs(64)}\n  env:")
        d.add(f"    PUBLIC_KEY: \"{cat('pk_', 'live_')}{g.s(24)}\"\n    SSH_AUTHORIZED_KEY: \"{g.ssh_pub()}\"")
        if t.plant():
            v, kind, envname = g.secret()
            d.secret(f"    {envname}: \"{v}\"", kind)
        else:
            d.add(f"    API_TOKEN: \"{g.ref('api_token', 'helm')}\"\n    AWS_ACCESS_KEY_ID: \"{g.example_aws()}\"")
    t.put(d)


def helm_template(t, g, svc, path):
    d = t.doc(path)
    d.add("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"" + svc + ".fullname\" . }}\n"
          "  annotations:\n    checksum/config: {{ include (print $.Template.BasePath \"/configmap.yaml\") . | sha256sum }}\n"
          "spec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n"
          "        - name: api\n          image: \"{{ .Values.image.repository }}@{{ .Values.image.digest }}\"\n"
          "          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n"
          "                  name: {{ .Values.postgresql.auth.existingSecret }}\n                  key: password\n"
          "            - name: API_TOKEN\n              value: {{ .Values.api_token | quote }}\n"
          "            - name: GITHUB_TOKEN\n              value: {{ required \"github token\" .Values.githubToken | quote }}")
    t.put(d)


def compose(t, g, svc, path):
    d = t.doc(path)
    d.add(f"services:\n  api:\n    image: registry.example.com/{svc}/api@{g.digest()}\n    env_file: .env\n    environment:\n"
          f"      DATABASE_URL: postgres://{svc}@db:5432/{svc}\n      DB_PASSWORD_FILE: /run/secrets/db_password\n"
          f"      REDIS_URL: redis://cache:6379/0")
    if t.plant():
        v, kind, envname = g.secret()
        d.secret(f"      {envname}: {v}", kind)
    else:
        d.add("      API_TOKEN: ${API_TOKEN:?set API_TOKEN}")
    d.add(f"    secrets:\n      - db_password\n    depends_on: [db, cache]\n  db:\n    image: postgres:16@{g.digest()}\n"
          f"    environment:\n      POSTGRES_USER: {svc}\n      POSTGRES_DB: {svc}")
    if t.plant():
        v = g.pick(HUMAN_WORDS) + g.pick(SYMBOLS) + g.s(8)
        d.secret(f"      POSTGRES_PASSWORD: {v}", "generic-password")
    else:
        d.add("      POSTGRES_PASSWORD_FILE: /run/secrets/db_password")
    d.add(f"    healthcheck:\n      test: [\"CMD\", \"pg_isready\", \"-U\", \"{svc}\"]\n  cache:\n    image: redis:7@{g.digest()}\n"
          f"secrets:\n  db_password:\n    file: ./secrets/db_password.txt")
    t.put(d)


def dotenv(t, g, svc, env, path, example):
    d = t.doc(path)
    d.add(f"# {svc} {env} settings\nAPP_ENV={env}\nAPP_URL=https://{svc}.example.com\nLOG_LEVEL=info\nDB_HOST=db.internal\n"
          f"DB_PORT=5432\nDB_USER={svc}\nDB_PASSWORD_FILE=/run/secrets/db\nREDIS_URL=redis://cache:6379/0\n"
          f"MAX_WORKERS={1 + g.below(32)}\nBUILD_SHA={g.hexs(40)}\nSENTRY_DSN=https://{g.hexs(32)}@o{g.below(99999)}.ingest.sentry.io/{g.below(999999)}")
    for _ in range(2 + g.below(4)):
        if not example and t.plant():
            v, kind, envname = g.secret()
            d.secret(f"{envname}={v}", kind)
        else:
            name = g.pick(["API_TOKEN", "STRIPE_SECRET_KEY", "GITHUB_TOKEN", "SMTP_PASSWORD", "JWT_SECRET"])
            d.add(f"{name}={g.ref(name, 'placeholder')}")
    t.put(d)


def appsettings(t, g, svc, path):
    d = t.doc(path)
    d.add("{\n  \"Logging\": { \"LogLevel\": { \"Default\": \"Information\" } },\n  \"AllowedHosts\": \"*\",\n"
          f"  \"ServiceName\": \"{svc}\",\n  \"TenantId\": \"{g.uuid()}\",\n  \"ClientId\": \"{g.uuid()}\",\n"
          f"  \"KeyVault\": \"https://{svc}-kv.vault.azure.net/secrets/db-password/{g.hexs(32)}\",\n"
          f"  \"ConnectionStrings\": {{\n    \"Default\": \"Server=tcp:{svc}.database.windows.net,1433;Database={svc};Authentication=Active Directory Default;\"\n  }},")
    if t.plant():
        v, kind, _ = g.secret()
        d.secret(f"  \"ClientSecret\": \"{v}\",", kind)
    else:
        d.add("  \"ClientSecret\": \"${secrets.AZURE_CLIENT_SECRET}\",")
    d.add(f"  \"Features\": {{ \"timeoutMs\": {g.below(10000)}, \"retries\": 3, \"region\": \"{g.pick(REGIONS)}\" }}\n}}")
    t.put(d)


def package_lock(t, g, svc, path):
    d = t.doc(path)
    d.add(f"{{\n  \"name\": \"{svc}-web\",\n  \"version\": \"{g.below(5)}.{g.below(20)}.{g.below(9)}\",\n  \"lockfileVersion\": 3,\n"
          f"  \"requires\": true,\n  \"packages\": {{")
    n = 40 + g.below(120)
    for i in range(n):
        pkg = g.pick(WORDS) + "-" + g.pick(WORDS) + str(i)
        ver = f"{g.below(9)}.{g.below(30)}.{g.below(20)}"
        comma = "," if i < n - 1 else ""
        d.add(f"    \"node_modules/{pkg}\": {{\n      \"version\": \"{ver}\",\n"
              f"      \"resolved\": \"https://registry.npmjs.org/{pkg}/-/{pkg}-{ver}.tgz\",\n"
              f"      \"integrity\": \"sha512-{g.b64bytes(64)}\",\n      \"license\": \"MIT\"\n    }}{comma}")
    d.add("  }\n}")
    t.put(d)


def dockerfile(t, g, svc, path):
    d = t.doc(path)
    d.add(f"# syntax=docker/dockerfile:1.7\nFROM node:20-bookworm@{g.digest()} AS build\nWORKDIR /src\nCOPY package*.json ./\n"
          f"RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\nCOPY . .\nRUN npm run build\n\n"
          f"FROM gcr.io/distroless/nodejs20-debian12@{g.digest()}\nARG GIT_SHA={g.hexs(40)}\nENV NODE_ENV=production \\\n"
          f"    PORT=8080 \\\n    DB_PASSWORD_FILE=/run/secrets/db_password")
    if t.plant():
        v, kind, envname = g.secret()
        d.secret(f"ENV {envname}={v}", kind)
    else:
        d.add("ARG NPM_TOKEN")
    d.add("COPY --from=build /src/dist /app\nUSER nonroot\nCMD [\"/app/server.js\"]")
    t.put(d)


def script(t, g, svc, env, path):
    d = t.doc(path)
    d.add(f"#!/usr/bin/env bash\n# Deploy {svc} to {env}.\nset -euo pipefail\n\nNAMESPACE=\"{svc}-{env}\"\n"
          f"IMAGE=\"registry.example.com/{svc}/api@{g.digest()}\"\nDB_PASSWORD=\"$(vault kv get -field=password secret/{svc}/{env}/db)\"\n"
          f"export VAULT_ADDR=https://vault.internal:8200\nexport AWS_ACCESS_KEY_ID=\"{g.example_aws()}\"  # doc example, overridden by OIDC")
    if t.plant():
        v, kind, envname = g.secret()
        d.secret(f"export {envname}=\"{v}\"", kind)
    else:
        d.add("export API_TOKEN=\"${API_TOKEN:?}\"")
    d.add("\nkubectl -n \"$NAMESPACE\" create secret generic " + svc + "-db \\\n"
          "  --from-literal=password=\"$DB_PASSWORD\" --dry-run=client -o yaml | kubectl apply -f -")
    if t.plant():
        pw = g.pick(HUMAN_WORDS) + g.s(6, DIGITS) + g.pick(SYMBOLS)
        d.secret(f"mysql -h db.internal -u admin -p'{pw}' -e 'SELECT 1'", "generic-password")
    d.add(f"helm upgrade --install {svc} ./helm -n \"$NAMESPACE\" --set image.digest={g.digest()} --wait\n"
          f"curl -fsS -H \"Authorization: Bearer $API_TOKEN\" https://{svc}.example.com/healthz\n"
          f"echo \"deployed {svc} $(git rev-parse --short HEAD) checksum {g.hexs(64)}\"")
    t.put(d)


def spec(t, g, svc, layer, idx, path):
    d = t.doc(path)
    sid = f"{PREFIX[layer]}-{svc.upper()}-{idx}"
    status = g.pick(["draft", "implemented", "deployed", "validated"])
    d.add(f"---\nid: {sid}\nstatus: {status}\ncreated: 2025-0{1 + g.below(9)}-1{g.below(9)}T0{g.below(9)}:00:00Z\n---\n\n"
          f"# {svc.capitalize()} {g.pick(WORDS)} {layer}\n\n## References\n\n### Implements\n"
          f"- [{PREFIX[layer]}-{svc.upper()}-{max(1, idx - 1)}](./{svc}-{max(1, idx - 1)}.md) — {g.sentence(3, 8)}\n")
    for _ in range(3 + g.below(5)):
        d.add(f"## {g.pick(WORDS).capitalize()} {g.pick(PROSE)}\n")
        for _ in range(2 + g.below(6)):
            d.add(g.sentence())
        d.add("")
    if layer in ("infrastructure", "stack"):
        d.add("## %s Management\n" % "Secrets")
        d.add("| " + " | ".join(["Secret", "Source", "Rotation"]) + " |\n|---|---|---|")
        for _ in range(3 + g.below(4)):
            name = g.pick(WORDS).upper() + "_" + g.pick(["TOKEN", "PASSWORD", "API_KEY", "SECRET"])
            if t.plant():
                v, kind, _ = g.secret()
                d.secret(f"| {name} | `{v}` (temporary, remove) | never |", kind)
            else:
                d.add(f"| {name} | `${{secrets.{name}}}` via vault `secret/data/{svc}/{name.lower()}` | {g.below(90) + 1} days |")
        d.add("\n## Deployment\n\n```hcl\nmodule \"" + svc + "\" {\n  source    = \"./modules/service\"\n"
              f"  image     = \"registry.example.com/{svc}@{g.digest()}\"\n  api_token = \"${{secrets.{svc.upper().replace('-', '_')}_API_TOKEN}}\"")
        if t.plant():
            v, kind, envname = g.secret()
            d.secret(f"  {envname.lower()} = \"{v}\"", kind)
        d.add("}\n```\n")
        if t.plant() and g.chance(0.5):
            d.add("Temporary signing key for the staging bootstrap (to be moved to the vault):\n\n```pem")
            d.key_block("", g)
            d.add("```\n")
        else:
            d.add(f"Deploy key (public): `{g.ssh_pub()}`\n")
    if layer in ("functional", "coverage"):
        d.add("## Examples\n\n```http\nPOST /v1/" + svc + "/orders HTTP/1.1\nHost: api.example.com\nContent-Type: application/json")
        if t.plant():
            d.secret(f"Authorization: Bearer {g.jwt()}", "jwt")
        else:
            d.add("Authorization: Bearer <token>")
        d.add(f"\n{{\"orderId\": \"{g.uuid()}\", \"amount\": {g.below(10000)}}}\n```\n")
    d.add("## Acceptance Criteria\n")
    for c in range(1, 2 + g.below(5)):
        d.add(f"- [{g.pick([' ', 'x'])}] {sid}-{c:03}: {g.sentence(5, 12)}")
    d.add("\n*Generated with smaqit 1.11.0*")
    t.put(d)


def report(t, g, i):
    d = t.doc(f".smaqit/reports/deployment-phase-report-{i:04}.md")
    d.add(f"# Deployment Phase Report\n\n**Date:** 2025-0{1 + g.below(9)}-1{g.below(9)}\n**Phase:** deploy\n**Status:** success\n\n"
          "## Scrubbed logs\n\n```")
    for _ in range(20 + g.below(40)):
        k = g.below(5)
        ts = f"0{g.below(9)}:{g.below(6)}{g.below(10)}:{g.below(6)}{g.below(10)}"
        if k == 0:
            d.add(f"{ts} executor: DB_PASSWORD=******** (from secret/data/{g.pick(WORDS)}/prod/db)")
        elif k == 1:
            d.add(f"{ts} terraform: module.api.aws_ecs_task_definition.this: Modifying... [id={g.pick(WORDS)}:{g.below(99)}]")
        elif k == 2:
            d.add(f"{ts} kubectl: deployment.apps/{g.pick(WORDS)} image updated to {g.digest()}")
        elif k == 3:
            d.add(f"{ts} executor: resolved ${{secrets.{g.pick(WORDS).upper()}_TOKEN}} (fingerprint {g.hexs(16)})")
        else:
            d.add(f"{ts} git: checked out {g.hexs(40)}")
    if t.plant():
        v, kind, envname = g.secret()
        d.secret(f"09:00:00 executor: {envname}={v} (scrubber missed this one)", kind)
    d.add("```")
    t.put(d)


def generate(target_bytes, seed, rate):
    g = Gen(seed)
    t = Tree(g, rate)
    by_kind = {}

    def track(before, kind):
        by_kind[kind] = by_kind.get(kind, 0) + t.bytes - before

    t.put(_config_doc(t))
    i = 0
    while t.bytes < target_bytes:
        svc = g.pick(WORDS) + "-" + g.pick(WORDS)[:4] + f"{i:03}"
        base = f"services/{svc}"
        env = g.pick(ENVS)
        steps = [
            ("terraform", lambda: terraform_main(t, g, svc, env, f"{base}/terraform/main.tf")),
            ("terraform", lambda: terraform_vars(t, g, svc, env, f"{base}/terraform")),
            ("terraform", lambda: terraform_lock(t, g, f"{base}/terraform")),
            ("k8s", lambda: k8s_deployment(t, g, svc, env, f"{base}/k8s/deployment.yaml")),
            ("k8s", lambda: k8s_secret(t, g, svc, env, f"{base}/k8s/secret.yaml")),
            ("k8s", lambda: k8s_configmap(t, g, svc, env, f"{base}/k8s/configmap.yaml")),
            ("helm", lambda: helm_values(t, g, svc, env, f"{base}/helm/values-{env}.yaml")),
            ("helm", lambda: helm_template(t, g, svc, f"{base}/helm/templates/deployment.yaml")),
            ("compose", lambda: compose(t, g, svc, f"{base}/docker-compose.yml")),
            ("dotenv", lambda: dotenv(t, g, svc, env, f"{base}/.env", False)),
            ("dotenv", lambda: dotenv(t, g, svc, env, f"{base}/.env.example", True)),
            ("json", lambda: appsettings(t, g, svc, f"{base}/config/appsettings.json")),
            ("dockerfile", lambda: dockerfile(t, g, svc, f"{base}/Dockerfile")),
            ("shell", lambda: script(t, g, svc, env, f"{base}/scripts/deploy.sh")),
        ]
        if g.chance(0.3):
            steps.append(("json", lambda: package_lock(t, g, svc, f"{base}/web/package-lock.json")))
        for idx, layer in enumerate(g.r.sample(LAYERS, 3 + g.below(3)), start=1):
            steps.append(("markdown", lambda layer=layer, idx=idx:
                          spec(t, g, svc, layer, idx, f"specs/{layer}/{svc}-{idx}.md")))
        if g.chance(0.1):
            steps.append(("markdown", lambda: report(t, g, i)))
        for kind, fn in steps:
            before = t.bytes
            fn()
            track(before, kind)
        i += 1
    return t, by_kind, i


def _config_doc(t):
    d = t.doc(".smaqit/config.yaml")
    d.add("project: bench\nlayers: [business, functional, stack, infrastructure, coverage]")
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=30.0, help="target size in MB (10^6 bytes)")
    ap.add_argument("--seed", type=int, default=20250210)
    ap.add_argument("--rate", type=float, default=0.02, help="probability that a secret slot is filled")
    ap.add_argument("--labels", help="where to write the planted labels (default OUT.labels.json)")
    ap.add_argument("--force", action="store_true", help="wipe OUT first")
    a = ap.parse_args()

    out = os.path.abspath(a.out)
    if os.path.exists(out) and os.listdir(out):
        if not a.force:
            sys.exit(f"gen_tree: {out} is not empty (use --force)")
        shutil.rmtree(out)
    t, by_kind, services = generate(int(a.mb * 1e6), a.seed, a.rate)

    digest = hashlib.sha256()
    hidden = 0
    for path in sorted(t.files):
        data = t.files[path].encode()
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        digest.update(path.encode() + b"\0" + data + b"\0")
        if any(part.startswith(".") for part in path.split("/")):
            hidden += len(data)
    labels_path = a.labels or out.rstrip("/") + ".labels.json"
    with open(labels_path, "w") as f:
        json.dump(t.labels, f, indent=0)

    kinds = {}
    for lab in t.labels:
        kinds[lab["kind"]] = kinds.get(lab["kind"], 0) + 1
    print(f"gen_tree: {len(t.files)} files, {t.bytes / 1e6:.2f} MB, {services} services, seed {a.seed}")
    print("gen_tree: bytes by type: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(by_kind.items())))
    print(f"gen_tree: {hidden / 1e6:.2f} MB in hidden files or folders (.env*, .smaqit/, .terraform.lock.hcl)")
    print(f"gen_tree: {len(t.labels)} planted secrets -> {labels_path}: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"gen_tree: tree sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
