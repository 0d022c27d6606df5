//! The content checks on a corpus of good and bad files, the routes that
//! carry content, and how levels inherit.

use super::finding::image_issue;
use super::*;
use reqwest::Method;

fn keys(found: &[Finding]) -> Vec<(&'static str, String)> {
    found
        .iter()
        .map(|f| (f.check.key(), f.path.clone()))
        .collect()
}

fn compose(text: &str) -> Vec<Finding> {
    findings(&Content::Compose {
        text: text.into(),
        env: vec![],
    })
}

fn manifests(text: &str) -> Vec<Finding> {
    findings(&Content::Manifests {
        text: text.into(),
        full: true,
        kind: None,
    })
}

#[test]
fn a_careful_compose_file_has_no_finding() {
    let good = "services:\n  web:\n    image: shop/web:1.4\n    user: \"1000:1000\"\n    mem_limit: 256m\n    volumes: [\"data:/var/lib/web\"]\n    environment:\n      - DB_PASSWORD=x\nvolumes:\n  data: {}\n";
    assert_eq!(keys(&compose(good)), []);
    // deploy.resources.limits.memory counts as a limit; a map environment is fine.
    let swarm = "services:\n  web:\n    image: shop/web@sha256:abc\n    user: app\n    environment: {A: b}\n    deploy:\n      resources:\n        limits: {memory: 128M}\n";
    assert_eq!(keys(&compose(swarm)), []);
}

#[test]
fn a_careless_compose_file_has_every_finding_with_its_place() {
    let bad = r#"
x-common: &common
  privileged: true
  cap_add: [NET_ADMIN, SYS_TIME]
services:
  agent:
    <<: *common
    image: portainer/agent
    network_mode: host
    pid: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - type: bind
        source: /etc
        target: /host/etc
      - named:/data
    user: root
  web:
    image: "nginx:latest"
"#;
    let found = compose(bad);
    assert_eq!(
        keys(&found),
        [
            ("privileged", "services.agent.privileged".into()),
            ("host_namespaces", "services.agent.network_mode".into()),
            ("host_namespaces", "services.agent.pid".into()),
            ("docker_socket", "services.agent.volumes[0]".into()),
            ("host_path", "services.agent.volumes[1]".into()),
            ("capabilities", "services.agent.cap_add".into()),
            ("image_tag", "services.agent.image".into()),
            ("memory_limit", "services.agent".into()),
            ("root_user", "services.agent.user".into()),
            ("image_tag", "services.web.image".into()),
            ("memory_limit", "services.web".into()),
            ("root_user", "services.web".into()),
        ]
    );
    assert!(
        found[5].what.contains("NET_ADMIN, SYS_TIME"),
        "{:?}",
        found[5]
    );
    assert!(found.iter().all(|f| f.document == "compose file"));
}

#[test]
fn workloads_are_read_at_pod_and_container_level() {
    let text = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      initContainers:
        - name: init
          image: busybox
          securityContext: {runAsUser: 0}
          resources: {limits: {memory: 64Mi}}
      containers:
        - name: app
          image: shop/web:1.4
          resources: {limits: {memory: 256Mi}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          hostNetwork: true
          volumes:
            - name: sock
              hostPath: {path: /var/run/docker.sock}
            - name: logs
              hostPath: {path: /var/log}
          containers:
            - name: b
              image: backup:2
              securityContext:
                privileged: true
                capabilities: {add: [SYS_ADMIN]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {privileged: "true"}
"#;
    let found = manifests(text);
    let cron = "spec.jobTemplate.spec.template.spec";
    assert_eq!(
        keys(&found),
        [
            (
                "image_tag",
                "spec.template.spec.initContainers[0].image".into()
            ),
            (
                "root_user",
                "spec.template.spec.initContainers[0].securityContext.runAsUser".into()
            ),
            ("host_namespaces", format!("{cron}.hostNetwork")),
            ("docker_socket", format!("{cron}.volumes[0].hostPath")),
            ("host_path", format!("{cron}.volumes[1].hostPath")),
            (
                "privileged",
                format!("{cron}.containers[0].securityContext.privileged")
            ),
            (
                "capabilities",
                format!("{cron}.containers[0].securityContext.capabilities.add")
            ),
            ("root_user", format!("{cron}.containers[0].securityContext")),
            (
                "memory_limit",
                format!("{cron}.containers[0].resources.limits.memory")
            ),
        ]
    );
    assert_eq!(found[0].document, "document 1 (Deployment shop/web)");
    assert_eq!(found[2].document, "document 2 (CronJob backup)");
}

#[test]
fn a_patch_is_judged_on_what_it_sets() {
    let patch = r#"{"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "app:latest"}]}}}}"#;
    let found = findings(&Content::Manifests {
        text: patch.into(),
        full: false,
        kind: Some("Deployment".into()),
    });
    assert_eq!(
        keys(&found),
        [("image_tag", "spec.template.spec.containers[0].image".into())]
    );
}

#[test]
fn lists_and_json_manifests_are_read() {
    let list = r#"{"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostPID": true, "containers": [{"name": "c", "image": "x:1", "securityContext": {"runAsUser": 1000}, "resources": {"limits": {"memory": "1Gi"}}}]}}]}"#;
    assert_eq!(
        keys(&manifests(list)),
        [("host_namespaces", "spec.hostPID".into())]
    );
}

#[test]
fn engine_bodies_are_read() {
    let create = serde_json::json!({"Image": "nginx", "User": "",
        "HostConfig": {"Privileged": true, "PidMode": "host", "Binds": ["/var/run/docker.sock:/s", "vol:/v"],
                       "Mounts": [{"Type": "bind", "Source": "/srv"}], "CapAdd": ["NET_RAW"]}});
    let found = findings(&Content::Container(fold(create).unwrap()));
    assert_eq!(
        keys(&found),
        [
            ("privileged", "HostConfig.Privileged".into()),
            ("host_namespaces", "HostConfig.PidMode".into()),
            ("docker_socket", "HostConfig.Binds[0]".into()),
            ("host_path", "HostConfig.Mounts[0]".into()),
            ("capabilities", "HostConfig.CapAdd".into()),
            ("image_tag", "Image".into()),
            ("memory_limit", "HostConfig.Memory".into()),
            ("root_user", "User".into()),
        ]
    );
    let good = serde_json::json!({"Image": "nginx:1.27", "User": "101", "HostConfig": {"Memory": 268435456}});
    assert_eq!(
        keys(&findings(&Content::Container(fold(good).unwrap()))),
        []
    );
    let service = serde_json::json!({"TaskTemplate": {"ContainerSpec": {"Image": "web:1", "User": "app",
        "Mounts": [{"Type": "bind", "Source": "/run/docker.sock"}]}, "Resources": {"Limits": {"MemoryBytes": 1}}}});
    assert_eq!(
        keys(&findings(&Content::Service(fold(service).unwrap()))),
        [(
            "docker_socket",
            "TaskTemplate.ContainerSpec.Mounts[0]".into()
        )]
    );
}

#[test]
fn helm_values_are_read_by_common_keys() {
    let values = "image:\n  repository: nginx\n  tag: latest\nsecurityContext:\n  privileged: true\n  runAsUser: 0\n  capabilities:\n    add: [NET_ADMIN]\nhostNetwork: true\nextraVolumes:\n  - hostPath: {path: /var/run/docker.sock}\n";
    let found = findings(&Content::HelmValues(values.into()));
    let mut got: Vec<&str> = found.iter().map(|f| f.check.key()).collect();
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "capabilities",
            "docker_socket",
            "host_namespaces",
            "image_tag",
            "privileged",
            "root_user"
        ]
    );
}

#[test]
fn what_cannot_be_read_is_a_finding_of_its_own() {
    let broken = compose("services: [unclosed");
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].check, Check::Unseen);
    // A billion laughs does not expand without bound.
    let mut laughs = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 0..9 {
        let prev = (b'a' + i) as char;
        let next = (b'a' + i + 1) as char;
        laughs.push_str(&format!("{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let t = std::time::Instant::now();
    let found = compose(&format!("{laughs}services:\n  web: *j\n"));
    assert!(t.elapsed().as_secs() < 2, "{:?}", t.elapsed());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].check, Check::Unseen);
    // Deep nesting stays within the parser's own limit.
    let deep = format!("services: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let t = std::time::Instant::now();
    let found = compose(&deep);
    assert!(t.elapsed().as_secs() < 2, "{:?}", t.elapsed());
    assert_eq!(found.len(), 1);
    assert!(found[0].what.contains("deeper than 256"), "{found:?}");
}

#[test]
fn routes_name_what_they_deploy() {
    let body = br#"{"Name": "shop", "StackFileContent": "services: {}"}"#;
    let post = Method::POST;
    assert_eq!(
        of_request(&post, "/stacks/create/standalone/string", None, Some(body)),
        Some(Content::EitherStack {
            text: "services: {}".into(),
            env: vec![]
        })
    );
    assert!(matches!(
        of_request(&post, "/stacks/create/kubernetes/string", None, Some(body)),
        Some(Content::Manifests { full: true, .. })
    ));
    assert!(matches!(
        of_request(&Method::PUT, "/stacks/4", None, Some(body)),
        Some(Content::StackUpdate {
            id: 4,
            text: Some(_),
            ..
        })
    ));
    // Without a file: the stored one is read (http/admission.rs).
    assert!(matches!(
        of_request(&Method::PUT, "/stacks/4", None, Some(b"{\"Env\": []}")),
        Some(Content::StackUpdate {
            id: 4,
            text: None,
            ..
        })
    ));
    // A create whose file is elsewhere (a URL) is unseen.
    assert!(matches!(
        of_request(
            &post,
            "/stacks/create/kubernetes/url",
            None,
            Some(b"{\"ManifestURL\": \"http://x\"}")
        ),
        Some(Content::Unseen(_))
    ));
    assert!(matches!(
        of_request(&post, "/stacks/create/swarm/repository", None, Some(b"{}")),
        Some(Content::Unseen(_))
    ));
    assert!(matches!(
        of_request(&post, "/stacks/create/standalone/file", None, Some(b"--x")),
        Some(Content::Unseen(_))
    ));
    assert_eq!(of_request(&post, "/stacks/4/start", None, None), None);
    assert!(matches!(
        of_request(
            &post,
            "/endpoints/1/docker/v1.47/containers/create",
            None,
            Some(b"{}")
        ),
        Some(Content::Container(_))
    ));
    assert!(matches!(
        of_request(
            &post,
            "/endpoints/1/docker/services/web/update",
            None,
            Some(b"{}")
        ),
        Some(Content::Service(_))
    ));
    assert!(matches!(
        of_request(
            &post,
            "/endpoints/3/kubernetes/helm",
            None,
            Some(br#"{"values": "a: 1"}"#)
        ),
        Some(Content::HelmValues(_))
    ));
    let patch = of_request(
        &Method::PATCH,
        "/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web",
        Some("application/strategic-merge-patch+json"),
        Some(b"{}"),
    );
    assert_eq!(
        patch,
        Some(Content::Manifests {
            text: "{}".into(),
            full: false,
            kind: Some("Deployment".into())
        })
    );
    let json_patch = of_request(
        &Method::PATCH,
        "/endpoints/3/kubernetes/api/v1/namespaces/shop/pods/p",
        Some("application/json-patch+json"),
        Some(b"[]"),
    );
    assert!(
        matches!(json_patch, Some(Content::Unseen(_))),
        "{json_patch:?}"
    );
    // A subresource (scale) deploys no pod spec.
    let scale = of_request(
        &Method::PATCH,
        "/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web/scale",
        Some("application/merge-patch+json"),
        Some(b"{}"),
    );
    assert_eq!(scale, None);
    // A Deployment named `pods` is a Deployment.
    let named = of_request(
        &Method::PATCH,
        "/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/pods",
        Some("Application/Strategic-Merge-Patch+JSON"),
        Some(b"{}"),
    );
    assert!(
        matches!(named, Some(Content::Manifests { kind: Some(ref k), full: false, .. }) if k == "Deployment"),
        "{named:?}"
    );
    assert_eq!(
        of_request(
            &Method::GET,
            "/endpoints/1/docker/containers/create",
            None,
            None
        ),
        None
    );
    let huge = vec![b' '; 9 << 20];
    assert!(matches!(
        of_request(
            &post,
            "/endpoints/1/docker/containers/create",
            None,
            Some(&huge)
        ),
        Some(Content::Unseen(_))
    ));
}

#[test]
fn levels_inherit_and_combine() {
    let base: Levels = toml::from_str("privileged = \"deny\"\nimage_tag = \"warn\"").unwrap();
    let dev: Levels = toml::from_str("privileged = \"warn\"").unwrap();
    let here = dev.over(&base);
    assert_eq!(here.level(Check::Privileged), Level::Warn);
    assert_eq!(here.level(Check::ImageTag), Level::Warn);
    assert_eq!(here.level(Check::RootUser), Level::Off);
    assert_eq!(
        here.level(Check::Unseen),
        Level::Warn,
        "on once any check is"
    );
    assert_eq!(Levels::default().level(Check::Unseen), Level::Off);
    assert_eq!(here.strictest(&base).level(Check::Privileged), Level::Deny);
    let found = compose("services:\n  a:\n    image: a\n    privileged: true\n");
    let (deny, warn) = sort(&found, &base);
    assert_eq!(deny.len(), 1);
    assert_eq!(warn.len(), 1);
    assert_eq!(deny[0]["rule"], "privileged");
    let refused = refusal(&deny);
    assert!(refused.contains("services.a.privileged"), "{refused}");
    assert!(toml::from_str::<Levels>("privileged = \"maybe\"").is_err());
    assert!(toml::from_str::<Levels>("priviliged = \"deny\"").is_err());
}

#[test]
fn image_references() {
    assert!(image_issue("nginx").is_some());
    assert!(image_issue("nginx:latest").is_some());
    assert!(
        image_issue("registry:5000/shop/web").is_some(),
        "a port is no tag"
    );
    assert_eq!(image_issue("registry:5000/shop/web:1.2"), None);
    assert_eq!(image_issue("shop/web@sha256:abc"), None);
    assert_eq!(image_issue("shop/web:${TAG}"), None);
}

/// Docker and Portainer read JSON keys whatever their case, so do we; two
/// keys one reads as one are refused as unreadable.
#[test]
fn bodies_are_read_as_go_reads_them() {
    let post = Method::POST;
    let sneaky =
        br#"{"Image": "a:1", "User": "1000", "hostConfig": {"privileged": true, "Memory": 1}}"#;
    let c = of_request(
        &post,
        "/endpoints/1/docker/containers/create",
        None,
        Some(sneaky),
    )
    .unwrap();
    assert_eq!(
        keys(&findings(&c)),
        [("privileged", "HostConfig.Privileged".into())]
    );
    let twice = br#"{"HostConfig": {"Privileged": false}, "hostconfig": {"Privileged": true}}"#;
    let c = of_request(
        &post,
        "/endpoints/1/docker/containers/create",
        None,
        Some(twice),
    );
    assert!(matches!(c, Some(Content::Unseen(_))), "{c:?}");
    let stack =
        br#"{"stackfilecontent": "services:\n  a:\n    image: a:1\n    privileged: true\n"}"#;
    let c = of_request(&post, "/stacks/create/standalone/string", None, Some(stack)).unwrap();
    assert!(findings(&c).iter().any(|f| f.check == Check::Privileged));
    // The proxy's path as the engine routes it, percent-decoded.
    let c = of_request(
        &post,
        "/endpoints/1/docker/%63ontainers/create",
        None,
        Some(b"{}"),
    );
    assert!(matches!(c, Some(Content::Container(_))), "{c:?}");
}

#[test]
fn compose_reads_variables_and_yaml_booleans() {
    let text = "services:\n  a:\n    image: a:${TAG:-1}\n    privileged: \"yes\"\n    network_mode: ${NET:-host}\n    user: ${U}\n    volumes: [\"${SOCK:-/var/run/docker.sock}:/s\"]\n    mem_limit: 0\n";
    let found = findings(&Content::Compose {
        text: text.into(),
        env: vec![("U".into(), "0".into())],
    });
    let got: Vec<&str> = found.iter().map(|f| f.check.key()).collect();
    assert_eq!(
        got,
        [
            "privileged",
            "host_namespaces",
            "docker_socket",
            "memory_limit",
            "root_user"
        ],
        "{found:?}"
    );
    assert_eq!(
        compose::interpolate(
            "$$HOME ${A-x} ${B:+y} $C.",
            &[("A".into(), "".into()), ("B".into(), "1".into())]
        ),
        "$HOME  y ."
    );
}

#[test]
fn unreadable_content_meets_the_strictest_level() {
    let deny: Levels = toml::from_str("privileged = \"deny\"\nimage_tag = \"warn\"").unwrap();
    assert_eq!(deny.level(Check::Unseen), Level::Deny);
    let warn: Levels = toml::from_str("image_tag = \"warn\"").unwrap();
    assert_eq!(warn.level(Check::Unseen), Level::Warn);
    let relaxed: Levels = toml::from_str("privileged = \"deny\"\nunseen = \"warn\"").unwrap();
    assert_eq!(relaxed.level(Check::Unseen), Level::Warn);
}

#[test]
fn findings_stay_bounded() {
    // 2 MiB of flow-style services (about 150,000), each with findings.
    let mut text = String::from("{services: {");
    let mut i = 0;
    while text.len() < (2 << 20) {
        text.push_str(&format!("s{i}: {{image: x}}, "));
        i += 1;
    }
    text.push_str("}}");
    let found = compose(&text);
    assert!(found.len() <= MAX_FINDINGS + 4, "{}", found.len());
    assert!(found.last().unwrap().what.contains("not read"));
}

#[test]
fn a_pod_wide_root_user_points_at_the_pod() {
    let text = "kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 0}\n  ephemeralContainers: [{name: dbg, image: busybox:1}]\n  containers: [{name: c, image: x:1, resources: {limits: {memory: 1Gi}}}]\n";
    assert_eq!(
        keys(&manifests(text)),
        [
            ("root_user", "spec.securityContext.runAsUser".into()),
            ("root_user", "spec.securityContext.runAsUser".into()),
        ],
        "one for each container; none for the ephemeral one's resources"
    );
}
