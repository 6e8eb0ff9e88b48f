//! The deployment recipe as operators run it: the Kubernetes manifests are valid objects of the
//! Kubernetes API (unknown or missing fields fail, checked against the API's own types), hang
//! together (selectors, ports, Secret, probes on `/health` and `/ready`), and only set variables
//! the binary reads; the container recipe is multi-stage, non-root, with no shell at run time.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Secret, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use serde::de::DeserializeOwned;
use tendlc_tests::harness::binary;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn manifests() -> PathBuf {
    repo().join("deploy/kubernetes")
}

/// Reads `file` as a `T`, failing on any field the Kubernetes API does not have.
fn object<T: DeserializeOwned>(file: &str) -> T {
    let path = manifests().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let mut unknown = Vec::new();
    let parsed: T = serde_ignored::deserialize(value, |field| unknown.push(field.to_string()))
        .unwrap_or_else(|e| panic!("{file} is not a valid object: {e}"));
    assert!(
        unknown.is_empty(),
        "{file} has fields Kubernetes does not know: {unknown:?}"
    );
    parsed
}

/// Every environment variable name the binary reads (named in its configuration code).
fn variables_read() -> String {
    ["api/src/config.rs", "api/src/telemetry.rs"]
        .iter()
        .map(|f| std::fs::read_to_string(repo().join(f)).unwrap())
        .collect()
}

#[test]
fn the_manifests_are_valid_kubernetes_objects_that_fit_together() {
    let deployment: Deployment = object("deployment.yaml");
    let service: Service = object("service.yaml");
    let ingress: Ingress = object("ingress.yaml");
    let budget: PodDisruptionBudget = object("pdb.yaml");
    let secret: Secret = object("secret.example.yaml");

    let spec = deployment.spec.as_ref().unwrap();
    assert_eq!(spec.replicas, Some(3));
    let pod_labels = spec
        .template
        .metadata
        .as_ref()
        .unwrap()
        .labels
        .clone()
        .unwrap();
    let matches = |selector: &std::collections::BTreeMap<String, String>| {
        selector.iter().all(|(k, v)| pod_labels.get(k) == Some(v))
    };
    assert!(matches(spec.selector.match_labels.as_ref().unwrap()));
    assert!(matches(
        service.spec.as_ref().unwrap().selector.as_ref().unwrap()
    ));
    assert!(matches(
        budget
            .spec
            .as_ref()
            .unwrap()
            .selector
            .as_ref()
            .unwrap()
            .match_labels
            .as_ref()
            .unwrap()
    ));
    assert_eq!(
        budget.spec.as_ref().unwrap().min_available,
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(2))
    );

    let pod = spec.template.spec.as_ref().unwrap();
    assert!(
        pod.termination_grace_period_seconds.unwrap() >= 20,
        "the grace period must cover serve's 15 s drain and the preStop pause"
    );
    assert_eq!(
        pod.security_context.as_ref().unwrap().run_as_non_root,
        Some(true)
    );
    let container = &pod.containers[0];
    let probe_path = |probe: &Option<k8s_openapi::api::core::v1::Probe>| {
        probe
            .as_ref()
            .unwrap()
            .http_get
            .as_ref()
            .unwrap()
            .path
            .clone()
            .unwrap()
    };
    // Named ports exist.
    let port_names: Vec<String> = container
        .ports
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|p| p.name.clone())
        .collect();
    for probe in [
        &container.liveness_probe,
        &container.readiness_probe,
        &container.startup_probe,
    ] {
        if let k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(name) =
            &probe.as_ref().unwrap().http_get.as_ref().unwrap().port
        {
            assert!(
                port_names.contains(name),
                "a probe names port {name}, not declared"
            );
        }
    }
    assert_eq!(probe_path(&container.liveness_probe), "/health");
    assert_eq!(probe_path(&container.readiness_probe), "/ready");
    let limits = container
        .resources
        .as_ref()
        .unwrap()
        .limits
        .as_ref()
        .unwrap();
    assert!(limits.contains_key("memory") && limits.contains_key("cpu"));
    let secret_name = secret.metadata.name.clone().unwrap();
    assert!(container
        .env_from
        .as_ref()
        .unwrap()
        .iter()
        .any(|e| e.secret_ref.as_ref().is_some_and(|s| s.name == secret_name)));
    let container_port = container.ports.as_ref().unwrap()[0].container_port;
    assert!(container
        .env
        .as_ref()
        .unwrap()
        .iter()
        .any(|e| e.name == "TENDLC_LISTEN"
            && e.value.as_deref() == Some(&format!("0.0.0.0:{container_port}"))));

    // Only variables the binary reads, and every secret it needs from the Secret.
    let read = variables_read();
    let mut names: BTreeSet<String> = container
        .env
        .as_ref()
        .unwrap()
        .iter()
        .map(|e| e.name.clone())
        .collect();
    let secret_keys: BTreeSet<String> = secret.string_data.clone().unwrap().into_keys().collect();
    names.extend(secret_keys.iter().cloned());
    for name in &names {
        assert!(
            read.contains(&format!("\"{name}\"")),
            "{name} is not read by tendlc"
        );
    }
    for needed in [
        "DATABASE_URL",
        "TCR_API_KEY",
        "TCR_API_SECRET",
        "TENDLC_JWT_SECRET",
    ] {
        assert!(secret_keys.contains(needed), "the Secret lacks {needed}");
    }

    // The Ingress serves the public URL with cert-manager TLS, to the Service.
    let ingress_spec = ingress.spec.as_ref().unwrap();
    let tls = &ingress_spec.tls.as_ref().unwrap()[0];
    let host = tls.hosts.as_ref().unwrap()[0].clone();
    assert!(ingress
        .metadata
        .annotations
        .as_ref()
        .unwrap()
        .contains_key("cert-manager.io/cluster-issuer"));
    let public_url = container
        .env
        .as_ref()
        .unwrap()
        .iter()
        .find(|e| e.name == "TENDLC_PUBLIC_URL")
        .and_then(|e| e.value.clone())
        .unwrap();
    assert_eq!(public_url, format!("https://{host}"));
    let rule = &ingress_spec.rules.as_ref().unwrap()[0];
    let backend = &rule.http.as_ref().unwrap().paths[0].backend;
    assert_eq!(
        backend.service.as_ref().unwrap().name,
        service.metadata.name.clone().unwrap()
    );

    // Kustomize lists every manifest but the example Secret.
    let kustomization = std::fs::read_to_string(manifests().join("kustomization.yaml")).unwrap();
    for file in [
        "deployment.yaml",
        "service.yaml",
        "ingress.yaml",
        "pdb.yaml",
    ] {
        assert!(
            kustomization.contains(file),
            "kustomization.yaml lacks {file}"
        );
        assert!(Path::new(&manifests().join(file)).exists());
    }
}

#[test]
fn the_image_is_multi_stage_non_root_and_has_no_shell() {
    let dockerfile = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let stages = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .count();
    assert!(stages >= 2, "a build stage and a run stage");
    let run_stage = dockerfile.rsplit("FROM ").next().unwrap();
    assert!(
        run_stage.starts_with("gcr.io/distroless/"),
        "no shell at run time"
    );
    assert!(run_stage.contains("USER nonroot"));
    assert!(run_stage.contains(r#"ENTRYPOINT ["/tendlc"]"#));
    assert!(
        !run_stage.contains("RUN "),
        "nothing runs in the final image"
    );
}

#[test]
fn the_binary_tells_its_version() {
    let output = std::process::Command::new(binary())
        .arg("--version")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.trim(), format!("tendlc {}", env!("CARGO_PKG_VERSION")));
}
