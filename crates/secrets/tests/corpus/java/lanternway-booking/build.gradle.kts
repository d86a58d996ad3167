plugins {
    java
    id("org.springframework.boot") version "3.3.1"
    id("io.spring.dependency-management") version "1.1.5"
    `maven-publish`
}

java {
    toolchain { languageVersion = JavaLanguageVersion.of(21) }
}

repositories {
    mavenCentral()
    maven {
        url = uri("https://maven.pkg.github.com/lanternway/gds-client")
        credentials {
            username = "lanternway-ci"
            password = "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"
        }
    }
    maven {
        url = uri("https://lanternway.jfrog.io/artifactory/libs-release")
        credentials {
            username = providers.gradleProperty("artifactoryUser").get()
            password = providers.gradleProperty("artifactoryPassword").get()
        }
    }
}

dependencies {
    implementation("org.springframework.boot:spring-boot-starter-web")
    implementation("org.springframework.cloud:spring-cloud-starter-vault-config:4.1.2")
    testImplementation("org.springframework.boot:spring-boot-starter-test")
}
