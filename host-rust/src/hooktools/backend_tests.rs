//! The hook-tool backend's tests: each against scripted tools that log their calls.

use super::*;

#[test]
fn a_tool_that_cannot_start_aborts_the_call() {
    let mut tools = HookTools::new(HookContext {
        unit: "a/0".to_owned(),
        ..HookContext::default()
    })
    .with_tools_dir("/nonexistent/data-interfaces-tools");
    assert!(matches!(tools.is_leader(), Err(BackendError::Fatal(_))));
}

#[test]
fn a_bare_secret_id_becomes_the_uri_secret_add_prints() {
    let model = "8e0b5a5c-0000-4000-8000-00000000cafe";
    assert_eq!(
        canonical_secret_uri("cn3q1e7mp25c7bsa0p9g", model),
        format!("secret://{model}/cn3q1e7mp25c7bsa0p9g")
    );
    assert_eq!(
        canonical_secret_uri("cn3q1e7mp25c7bsa0p9g", ""),
        "secret:cn3q1e7mp25c7bsa0p9g"
    );
    let uri = format!("secret://{model}/cn3q1e7mp25c7bsa0p9g");
    assert_eq!(canonical_secret_uri(&uri, model), uri);
    assert_eq!(canonical_secret_uri("secret:abc", model), "secret:abc");
}

/// Scripted hook tools: each prints a fixed answer and logs its command line (and, for
/// `relation-set`, its stdin) as one line of `calls.log`.
#[cfg(unix)]
mod scripted {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    const MODEL: &str = "8e0b5a5c-0000-4000-8000-00000000cafe";

    /// What each tool prints.
    const ANSWERS: &[(&str, &str)] = &[
        ("is-leader", "true"),
        ("relation-ids", r#"["database:7", "database:8"]"#),
        ("relation-list", r#"["client/0", "client/1"]"#),
        (
            "relation-model-get",
            r#"{"uuid": "8e0b5a5c-0000-4000-8000-00000000cafe"}"#,
        ),
        ("relation-get", r#"{"a": "1", "c": "3"}"#),
        ("relation-set", ""),
        (
            "secret-add",
            "secret://8e0b5a5c-0000-4000-8000-00000000cafe/c0ffee01",
        ),
        ("secret-get", r#"{"password": "from-the-tool"}"#),
        (
            "secret-info-get",
            r#"{"c0ffee02": {"revision": 1, "owner": "application"}}"#,
        ),
        ("secret-grant", ""),
        ("secret-set", ""),
    ];

    struct Tools {
        dir: tempfile::TempDir,
    }

    impl Tools {
        fn new() -> Tools {
            Tools::answering(&[])
        }

        /// Tools answering as [`ANSWERS`] but where `answers` says otherwise.
        fn answering(answers: &[(&str, &str)]) -> Tools {
            let dir = tempfile::tempdir().expect("a temporary directory");
            for (tool, answer) in ANSWERS {
                let answer = answers
                    .iter()
                    .find(|(t, _)| t == tool)
                    .map_or(*answer, |(_, a)| *a);
                let stdin = if *tool == "relation-set" {
                    "printf ' <%s>' \"$(cat)\" >> \"$LOG\"\n"
                } else {
                    ""
                };
                let script = format!(
                    "#!/bin/sh\nLOG='{log}'\nprintf '%s' '{tool}' >> \"$LOG\"\n\
                     for a in \"$@\"; do printf ' %s' \"$a\" >> \"$LOG\"; done\n{stdin}\
                     echo >> \"$LOG\"\nprintf '%s' '{answer}'\n",
                    log = dir.path().join("calls.log").display(),
                );
                let path = dir.path().join(tool);
                std::fs::write(&path, script).expect("a script");
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                    .expect("executable");
            }
            Tools { dir }
        }

        fn backend(&self, vars: &[(&str, &str)]) -> HookTools {
            let mut all = vec![("JUJU_UNIT_NAME", "db/0"), ("JUJU_MODEL_UUID", MODEL)];
            all.extend_from_slice(vars);
            let context = HookContext::from_vars(|name| {
                all.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            })
            .expect("a context");
            HookTools::new(context).with_tools_dir(self.dir.path())
        }

        /// The calls made, one line each.
        fn calls(&self) -> Vec<String> {
            let log = self.dir.path().join("calls.log");
            if !Path::new(&log).exists() {
                return Vec::new();
            }
            let text = std::fs::read_to_string(log).expect("the log");
            text.lines().map(str::to_owned).collect()
        }

        /// How many calls of a tool were made.
        fn count(&self, tool: &str) -> usize {
            let prefix = format!("{tool} ");
            self.calls()
                .iter()
                .filter(|c| c.starts_with(&prefix) || *c == tool)
                .count()
        }
    }

    fn set(key: &str, value: &str) -> ChangeSet {
        ChangeSet {
            set: vec![(key.to_owned(), value.to_owned())],
            delete: Vec::new(),
        }
    }

    fn entries(pairs: &[(&str, &str)]) -> Entries {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn relation_ids_is_asked_once_per_endpoint() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        backend.relations("database").unwrap();
        backend.relations("database").unwrap();
        assert_eq!(tools.count("relation-ids"), 1);
    }

    #[test]
    fn relation_list_is_asked_once_per_relation() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        let relations = backend.relations("database").unwrap();
        backend.relations("database").unwrap();
        backend.read(7, &Bag::RemoteApp).unwrap();
        assert_eq!(tools.count("relation-list"), 2, "{:?}", tools.calls());
        // The remote application is its units' application.
        assert_eq!(relations[0].remote_app.as_deref(), Some("client"));
        assert_eq!(relations[0].remote_units, vec!["client/0", "client/1"]);
    }

    #[test]
    fn a_relation_no_unit_has_joined_is_asked_its_application_once() {
        let tools = Tools::answering(&[("relation-list", "[]")]);
        let mut backend = tools.backend(&[]);
        backend.relations("database").unwrap();
        backend.relations("database").unwrap();
        assert_eq!(backend.read(7, &Bag::RemoteApp).unwrap(), Vec::new());
        let app_calls = tools
            .calls()
            .iter()
            .filter(|c| c.starts_with("relation-list -r 7 --app"))
            .count();
        assert_eq!(app_calls, 1, "{:?}", tools.calls());
    }

    #[test]
    fn the_hooks_relation_takes_its_remote_application_from_the_hook() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[
            ("JUJU_RELATION_ID", "database:7"),
            ("JUJU_REMOTE_APP", "client"),
        ]);
        backend.read(7, &Bag::RemoteApp).unwrap();
        assert_eq!(tools.count("relation-list"), 0, "{:?}", tools.calls());
        assert_eq!(
            tools.calls(),
            vec!["relation-get -r 7 --format=json --app - client"]
        );
    }

    #[test]
    fn relation_model_get_is_asked_once_per_relation() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        let uuid = backend.remote_model_uuid(7).unwrap();
        assert_eq!(backend.remote_model_uuid(7).unwrap(), uuid);
        assert_eq!(uuid.as_deref(), Some(MODEL));
        assert_eq!(tools.count("relation-model-get"), 1);
    }

    #[test]
    fn a_bag_is_read_once() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        let first = backend.read(7, &Bag::LocalApp).unwrap();
        let again = backend.read(7, &Bag::LocalApp).unwrap();
        assert_eq!(first, again);
        assert_eq!(tools.count("relation-get"), 1);
    }

    #[test]
    fn a_bag_read_again_sees_this_process_s_own_write() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        backend.read(7, &Bag::LocalApp).unwrap();
        backend.apply(7, &Bag::LocalApp, &set("b", "2")).unwrap();
        let seen = backend.read(7, &Bag::LocalApp).unwrap();
        assert_eq!(seen, entries(&[("a", "1"), ("b", "2"), ("c", "3")]));
        assert_eq!(tools.count("relation-get"), 1);
    }

    #[test]
    fn unbuffered_each_change_set_is_written_at_once() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        backend.apply(7, &Bag::LocalApp, &set("a", "9")).unwrap();
        assert_eq!(
            tools.calls(),
            vec![r#"relation-set -r 7 --app --file - <{"a":"9"}>"#]
        );
    }

    #[test]
    fn buffered_a_bag_committed_twice_is_written_once_at_the_flush() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]).buffered();
        backend.apply(7, &Bag::LocalApp, &set("a", "9")).unwrap();
        let second = ChangeSet {
            set: vec![("b".to_owned(), "2".to_owned())],
            delete: vec!["a".to_owned()],
        };
        backend.apply(7, &Bag::LocalApp, &second).unwrap();
        assert_eq!(tools.count("relation-set"), 0);
        backend.flush().unwrap();
        assert_eq!(
            tools.calls(),
            vec![r#"relation-set -r 7 --app --file - <{"a":"","b":"2"}>"#]
        );
        backend.flush().unwrap();
        assert_eq!(tools.count("relation-set"), 1);
    }

    #[test]
    fn buffered_a_read_sees_the_writes_held_back() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]).buffered();
        backend.apply(7, &Bag::LocalUnit, &set("b", "2")).unwrap();
        let seen = backend.read(7, &Bag::LocalUnit).unwrap();
        assert_eq!(seen, entries(&[("a", "1"), ("b", "2"), ("c", "3")]));
        assert_eq!(
            tools.calls(),
            vec!["relation-get -r 7 --format=json - db/0"]
        );
    }

    #[test]
    fn buffered_a_backend_dropped_without_a_flush_writes_nothing() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]).buffered();
        backend.apply(7, &Bag::LocalApp, &set("a", "9")).unwrap();
        drop(backend);
        assert!(tools.calls().is_empty(), "{:?}", tools.calls());
    }

    #[test]
    fn a_secret_this_process_created_is_read_without_asking_juju() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        let content = entries(&[("password", "p")]);
        let uri = backend
            .secret_add(Owner::Application, Some("database.7.user.secret"), &content)
            .unwrap();
        let by_uri = backend
            .secret_get(Some(&uri), None, false)
            .unwrap()
            .unwrap();
        assert_eq!(
            (by_uri.id.as_str(), &by_uri.content),
            (uri.as_str(), &content)
        );
        let by_label = backend
            .secret_get(None, Some("database.7.user.secret"), true)
            .unwrap()
            .unwrap();
        assert_eq!(
            (by_label.id.as_str(), &by_label.content),
            (uri.as_str(), &content)
        );
        assert_eq!(
            tools.count("secret-get") + tools.count("secret-info-get"),
            0
        );
    }

    #[test]
    fn a_secret_this_process_created_is_owned_without_asking_juju() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        let uri = backend
            .secret_add(Owner::Application, None, &entries(&[("password", "p")]))
            .unwrap();
        assert!(backend.secret_owned(&uri).unwrap());
        assert_eq!(tools.count("secret-info-get"), 0);
    }

    #[test]
    fn a_created_secret_read_after_a_new_content_has_it() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        let uri = backend
            .secret_add(Owner::Unit, None, &entries(&[("password", "p")]))
            .unwrap();
        let newer = entries(&[("password", "q")]);
        backend.secret_set_content(&uri, &newer).unwrap();
        let read = backend
            .secret_get(Some(&uri), None, false)
            .unwrap()
            .unwrap();
        assert_eq!(read.content, newer);
    }

    #[test]
    fn an_owned_secret_found_by_label_is_known_as_owned() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        let found = backend
            .secret_get(None, Some("database.7.user.secret"), false)
            .unwrap()
            .unwrap();
        assert_eq!(found.id, format!("secret://{MODEL}/c0ffee02"));
        assert!(backend.secret_owned(&found.id).unwrap());
        assert_eq!(tools.count("secret-info-get"), 1, "{:?}", tools.calls());
    }

    #[test]
    fn ownership_is_asked_once_per_secret() {
        let tools = Tools::new();
        let mut backend = tools.backend(&[]);
        let uri = format!("secret://{MODEL}/c0ffee02");
        assert!(backend.secret_owned(&uri).unwrap());
        assert!(backend.secret_owned("secret:c0ffee02").unwrap());
        assert_eq!(tools.count("secret-info-get"), 1);
    }
}
