//! The technologies drift checks can compare, with the names, images,
//! CI setup actions and cloud runtime spellings they go by.

use std::sync::LazyLock;

use regex::Regex;

/// A technology the drift check can compare, with the names it goes by.
pub struct Tech {
    /// Stable key, e.g. `node`.
    pub key: &'static str,
    /// Names in a Stack table's first column, lower case, parenthesised
    /// notes removed (`Java (OpenJDK)` → `java`).
    pub names: &'static [&'static str],
    /// Container image paths (`docker.io/` and `library/` dropped).
    pub images: &'static [&'static str],
    /// GitHub Actions: the setup action and the `with:` key of its version.
    pub setup: Option<(&'static str, &'static str)>,
    /// Terraform function runtimes (`nodejs20.x`, `python3.12`, `java21`),
    /// longest prefix first.
    pub runtimes: &'static [&'static str],
    /// Terraform `<x>_version` keys of app platforms (Azure app stacks).
    pub tf_keys: &'static [&'static str],
    /// Terraform `engine = "…"` values of managed databases and caches.
    pub engines: &'static [&'static str],
}

const fn tech(key: &'static str, names: &'static [&'static str], images: &'static [&'static str]) -> Tech {
    Tech { key, names, images, setup: None, runtimes: &[], tf_keys: &[], engines: &[] }
}

pub static TECHS: &[Tech] = &[
    Tech {
        setup: Some(("setup-node", "node-version")),
        runtimes: &["nodejs"],
        tf_keys: &["node_version"],
        ..tech("node", &["node.js", "nodejs", "node", "node js"], &["node"])
    },
    Tech {
        setup: Some(("setup-python", "python-version")),
        runtimes: &["python"],
        tf_keys: &["python_version"],
        ..tech("python", &["python", "python3", "python 3", "cpython"], &["python"])
    },
    Tech {
        engines: &["postgres", "aurora-postgresql"],
        ..tech("postgres", &["postgresql", "postgres"], &["postgres", "bitnami/postgresql", "postgis/postgis"])
    },
    Tech {
        setup: Some(("setup-go", "go-version")),
        runtimes: &["go"],
        tf_keys: &["go_version"],
        ..tech("go", &["go", "golang"], &["golang"])
    },
    Tech {
        setup: Some(("setup-java", "java-version")),
        runtimes: &["java"],
        tf_keys: &["java_version"],
        ..tech(
            "java",
            &["java", "openjdk", "jdk", "eclipse temurin", "temurin", "amazon corretto", "corretto"],
            &["openjdk", "eclipse-temurin", "amazoncorretto", "java"],
        )
    },
    Tech { engines: &["redis"], ..tech("redis", &["redis"], &["redis", "bitnami/redis"]) },
    Tech { engines: &["mysql"], ..tech("mysql", &["mysql"], &["mysql", "bitnami/mysql"]) },
    Tech { engines: &["mariadb"], ..tech("mariadb", &["mariadb"], &["mariadb", "bitnami/mariadb"]) },
    tech("mongodb", &["mongodb", "mongo"], &["mongo", "bitnami/mongodb"]),
    Tech {
        setup: Some(("setup-ruby", "ruby-version")),
        runtimes: &["ruby"],
        tf_keys: &["ruby_version"],
        ..tech("ruby", &["ruby"], &["ruby"])
    },
    Tech {
        setup: Some(("setup-dotnet", "dotnet-version")),
        runtimes: &["dotnetcore", "dotnet"],
        tf_keys: &["dotnet_version"],
        ..tech(
            "dotnet",
            &[".net", "dotnet", ".net core", "asp.net core"],
            &[
                "mcr.microsoft.com/dotnet/sdk",
                "mcr.microsoft.com/dotnet/aspnet",
                "mcr.microsoft.com/dotnet/runtime",
                "mcr.microsoft.com/dotnet/runtime-deps",
            ],
        )
    },
    Tech {
        setup: Some(("setup-php", "php-version")),
        runtimes: &["php"],
        tf_keys: &["php_version"],
        ..tech("php", &["php"], &["php"])
    },
    tech("nginx", &["nginx"], &["nginx"]),
    tech("rabbitmq", &["rabbitmq"], &["rabbitmq"]),
    tech("elasticsearch", &["elasticsearch"], &["elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch"]),
    tech("rust", &["rust"], &["rust"]),
    tech("deno", &["deno"], &["denoland/deno"]),
    tech("bun", &["bun"], &["oven/bun"]),
];

/// The technology a Stack table's first cell names, if it is a curated one.
pub fn technology_of_name(name: &str) -> Option<&'static Tech> {
    static PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^)]*\)").unwrap());
    let lower = PAREN.replace_all(&name.to_lowercase(), " ").into_owned();
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    if words.len() > 1 && matches!(words.last(), Some(&("lts" | "runtime"))) {
        words.pop();
    }
    let name = words.join(" ");
    TECHS.iter().find(|t| t.names.contains(&name.as_str()))
}

/// The technology of a container image path, if it is a curated one.
pub fn technology_of_image(path: &str) -> Option<&'static Tech> {
    let p = path.to_ascii_lowercase();
    let p = p.strip_prefix("docker.io/").or_else(|| p.strip_prefix("index.docker.io/")).unwrap_or(&p);
    let p = p.strip_prefix("library/").unwrap_or(p);
    TECHS.iter().find(|t| t.images.contains(&p))
}
