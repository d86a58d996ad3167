//! Layer boundaries (spec-format §2): Business names no technology; Stack
//! picks technologies but no hosting or cloud. What a spec excludes (its
//! `### Excluded` or out-of-scope section) names what it leaves to others,
//! which is the opposite of choosing it.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::{Finding, code};
use crate::model::{Layer, Spec};
use crate::text::SourceText;

const TECHNOLOGIES: &[&str] = &[
    "PostgreSQL",
    "Postgres",
    "MySQL",
    "MariaDB",
    "MongoDB",
    "Redis",
    "SQLite",
    "Elasticsearch",
    "Firebase",
    "Firestore",
    "DynamoDB",
    "Supabase",
    "Cassandra",
    "CouchDB",
    "Neo4j",
    "BigQuery",
    "Snowflake",
    "Memcached",
    "SQS",
    "Kinesis",
    "Kafka",
    "RabbitMQ",
    "Kubernetes",
    "Docker",
    "Terraform",
    "React",
    "Angular",
    "Vue.js",
    "Svelte",
    "Next.js",
    "Node.js",
    "Express",
    "Django",
    "Flask",
    "Rails",
    "Laravel",
    "Spring Boot",
    "Flutter",
    "React Native",
    "Kotlin",
    "TypeScript",
    "JavaScript",
    "Python",
    "Golang",
    "Java",
    "Rust",
    "GraphQL",
    "REST API",
    "gRPC",
    "Nginx",
    "AWS",
    "Azure",
    "GCP",
    "Lambda",
    "S3",
];

const HOSTING: &[&str] = &[
    "AWS",
    "Amazon Web Services",
    "Azure",
    "GCP",
    "Google Cloud",
    "Heroku",
    "Vercel",
    "Netlify",
    "DigitalOcean",
    "Cloudflare",
    "Fly.io",
    "Render",
    "Railway",
    "OpenShift",
    "Firebase Hosting",
    "Fargate",
    "Elastic Beanstalk",
    "Azure App Service",
    "EC2",
    "RDS",
    "ECS",
    "EKS",
    "GKE",
    "AKS",
    "Lambda",
    "Cloud Run",
    "App Engine",
];

static TECH: LazyLock<AhoCorasick> = LazyLock::new(|| words(TECHNOLOGIES));
static HOST: LazyLock<AhoCorasick> = LazyLock::new(|| words(HOSTING));

fn words(list: &[&str]) -> AhoCorasick {
    AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(list).expect("static word list")
}

pub fn check(spec: &Spec, text: &SourceText, out: &mut Vec<Finding>) {
    let (matcher, list, code, what) = match spec.layer {
        Some(Layer::Business) => (&*TECH, TECHNOLOGIES, code::BOUNDARY_BUSINESS_TECHNOLOGY, "a technology"),
        Some(Layer::Stack) => (&*HOST, HOSTING, code::BOUNDARY_STACK_HOSTING, "hosting or a cloud provider"),
        _ => return,
    };
    let text = text.as_str();
    let text: &str = &text;
    if text.contains("smaqit-ls: ignore boundary") {
        return;
    }
    let body = spec.doc.body_start().min(text.len());
    let mut last_line = usize::MAX;
    for m in matcher.find_iter(&text[body..]) {
        let (start, end) = (body + m.start(), body + m.end());
        if !is_word(text, start, end) || in_code(spec, start) || spec.in_excluded_section(start) {
            continue;
        }
        // One finding per line is enough to make the point.
        let line = text[..start].matches('\n').count();
        if line == last_line {
            continue;
        }
        last_line = line;
        let word = list[m.pattern().as_usize()];
        let message = match spec.layer {
            Some(Layer::Business) => format!("Business specs say why, not with what: `{word}` names {what}"),
            _ => format!(
                "Stack specs pick technologies, not where they run: `{word}` names {what} (that belongs in Infrastructure)"
            ),
        };
        out.push(Finding::new(code, start..end, message));
    }
}

fn is_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '/')
        && !after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Inside a link target or a heading? (Code fences are rare in these layers
/// and still name what they name.)
fn in_code(spec: &Spec, offset: usize) -> bool {
    spec.doc.links().any(|l| l.target_range.start <= offset && offset < l.target_range.end)
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn technology_in_business_and_hosting_in_stack() {
        fixture::check_families(
            &["boundary"],
            r#"
//- specs/business/uc1.md
---
id: BUS-ONE
status: draft
created: 2025-01-01
---
# UC1-ONE: Keep notes

People keep notes in PostgreSQL and Redis. PostgreSQL twice on one line is one finding.
                     ^^^^^^^^^^ warning boundary/business-technology: Business specs say why, not with what: `PostgreSQL` names a technology
The link [a guide](https://example.com/React) does not count, nor does PostgreSQLish.
//- specs/stack/app.md
---
id: STK-APP
status: draft
created: 2025-01-01
---
# STK-APP: App

## References
- [BUS-ONE](../business/uc1.md)

We use PostgreSQL on AWS.
                     ^^^ warning boundary/stack-hosting: Stack specs pick technologies, not where they run: `AWS` names hosting or a cloud provider (that belongs in Infrastructure)

## Scope
### Excluded
- Hosting on AWS or Heroku: Infrastructure decides.
### Included
- The database engine, running on Fargate.
                                  ^^^^^^^ warning boundary/stack-hosting: Stack specs pick technologies, not where they run: `Fargate` names hosting or a cloud provider (that belongs in Infrastructure)
//- specs/stack/quiet.md
---
id: STK-QUIET
status: draft
created: 2025-01-01
---
# STK-QUIET: Silenced
<!-- smaqit-ls: ignore boundary -->
## References
- [BUS-ONE](../business/uc1.md)

Hosted on Heroku.
"#,
        );
    }
}
