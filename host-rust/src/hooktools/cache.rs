//! What a [`HookTools`](super::HookTools) remembers for the rest of its process, so that it
//! makes each hook-tool call the protocol needs once: the bags it read, kept in step with its
//! own writes ([`Bags`]), the writes it holds back until [`Backend::flush`](crate::Backend::flush)
//! when it buffers them, and what it knows of secrets: those it created and which it owns
//! ([`Secrets`]).
//!
//! Juju itself gives a hook a consistent view: a hook's reads of relation data do not change
//! under it, and its `relation-set`s are committed together when it ends. Remembering a read
//! for the rest of a process, and coalescing writes, sends the same bytes to Juju.

use crate::backend::Entries;
use crate::bindings::wit::{ChangeSet, RelationId};
use std::collections::BTreeMap;

/// A databag as `relation-get` and `relation-set` name it: the relation, an application's
/// bag or a unit's, and whose (on a peer relation the local and the remote application's bag
/// are the same bag, and so the same key).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct BagRef {
    /// The relation.
    pub relation: RelationId,
    /// An application's bag (`--app`), else a unit's.
    pub app: bool,
    /// The application or unit.
    pub whose: String,
}

/// Changes to a bag, in the order their keys were first changed: a key's new value, `None`
/// to delete it.
pub(super) type Changes = Vec<(String, Option<String>)>;

/// A change set as [`Changes`] (sets first, then deletes, as the change set lists them).
pub(super) fn changes_of(change_set: &ChangeSet) -> Changes {
    let sets = change_set
        .set
        .iter()
        .map(|(key, value)| (key.clone(), Some(value.clone())));
    let deletes = change_set.delete.iter().map(|key| (key.clone(), None));
    sets.chain(deletes).collect()
}

/// Fold `later` into `changes`: a key changed again takes its last value, in its first place.
fn merge(changes: &mut Changes, later: &Changes) {
    for (key, value) in later {
        match changes.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.clone(),
            None => changes.push((key.clone(), value.clone())),
        }
    }
}

/// Apply changes to a bag's entries: a set replaces a value in place or adds the key in key
/// order (the order `relation-get` prints), a delete removes it.
pub(super) fn apply(entries: &mut Entries, changes: &Changes) {
    for (key, value) in changes {
        let at = entries.iter().position(|(k, _)| k == key);
        match (at, value) {
            (Some(at), Some(value)) => entries[at].1 = value.clone(),
            (Some(at), None) => {
                entries.remove(at);
            }
            (None, Some(value)) => {
                let at = entries.partition_point(|(k, _)| k < key);
                entries.insert(at, (key.clone(), value.clone()));
            }
            (None, None) => {}
        }
    }
}

/// The bags a process read, as it now sees them, and the writes it holds back.
#[derive(Debug, Default)]
pub(super) struct Bags {
    /// Each bag read, with every write of this process applied (held back or not).
    seen: BTreeMap<BagRef, Entries>,
    /// Writes held back, merged per bag, in the order the bags were first written.
    held: Vec<(BagRef, Changes)>,
}

impl Bags {
    /// A bag as this process sees it, if it read it.
    pub fn get(&self, bag: &BagRef) -> Option<&Entries> {
        self.seen.get(bag)
    }

    /// Remember a bag `relation-get` printed; the writes held back for it are applied (Juju
    /// does not have them yet). The bag as this process sees it.
    pub fn read(&mut self, bag: BagRef, mut entries: Entries) -> Entries {
        if let Some((_, changes)) = self.held.iter().find(|(b, _)| *b == bag) {
            apply(&mut entries, changes);
        }
        self.seen.insert(bag, entries.clone());
        entries
    }

    /// A write that reached Juju: a bag this process read sees it.
    pub fn written(&mut self, bag: &BagRef, changes: &Changes) {
        if let Some(entries) = self.seen.get_mut(bag) {
            apply(entries, changes);
        }
    }

    /// Hold a write back (merged with the bag's earlier held writes); a bag this process read
    /// sees it at once.
    pub fn hold(&mut self, bag: BagRef, changes: Changes) {
        self.written(&bag, &changes);
        match self.held.iter_mut().find(|(b, _)| *b == bag) {
            Some((_, held)) => merge(held, &changes),
            None => self.held.push((bag, changes)),
        }
    }

    /// Every write held back, in order; they are no longer held.
    pub fn take_held(&mut self) -> Vec<(BagRef, Changes)> {
        std::mem::take(&mut self.held)
    }

    /// Hold back again writes that could not be made (before any held since).
    pub fn hold_again(&mut self, mut writes: Vec<(BagRef, Changes)>) {
        writes.append(&mut self.held);
        self.held = writes;
    }
}

/// The id of a secret URI (`secret:ID`, `secret://MODEL-UUID/ID`) or of a bare id: two URIs
/// name the same secret when their ids are equal.
pub(super) fn secret_id(uri: &str) -> &str {
    let uri = uri.trim();
    let tail = uri.rsplit('/').next().unwrap_or(uri);
    tail.rsplit(':').next().unwrap_or(tail)
}

/// A secret this process created.
#[derive(Debug, Clone)]
pub(super) struct Created {
    /// The URI `secret-add` printed.
    pub uri: String,
    /// Its owner label.
    pub label: Option<String>,
    /// Its latest content, as this process last set it.
    pub content: Entries,
}

/// What a process knows of secrets: those it created (their content), and whether it owns
/// the ones it asked about.
#[derive(Debug, Default)]
pub(super) struct Secrets {
    created: Vec<Created>,
    owned: BTreeMap<String, bool>,
}

impl Secrets {
    /// A secret `secret-add` just created.
    pub fn created(&mut self, uri: &str, label: Option<&str>, content: &[(String, String)]) {
        self.owned.insert(secret_id(uri).to_owned(), true);
        self.created.push(Created {
            uri: uri.to_owned(),
            label: label.map(str::to_owned),
            content: content.to_vec(),
        });
    }

    /// A secret this process created, by URI or id, if its content is known.
    pub fn by_id(&self, id: &str) -> Option<&Created> {
        let id = secret_id(id);
        self.created.iter().find(|c| secret_id(&c.uri) == id)
    }

    /// A secret this process created, by its owner label, if its content is known.
    pub fn by_label(&self, label: &str) -> Option<&Created> {
        self.created
            .iter()
            .find(|c| c.label.as_deref() == Some(label))
    }

    /// Whether this unit owns a secret, if known.
    pub fn owned(&self, id: &str) -> Option<bool> {
        self.owned.get(secret_id(id)).copied()
    }

    /// Remember whether this unit owns a secret.
    pub fn set_owned(&mut self, id: &str, owned: bool) {
        self.owned.insert(secret_id(id).to_owned(), owned);
    }

    /// A secret's content was replaced.
    pub fn content_set(&mut self, id: &str, content: &[(String, String)]) {
        let id = secret_id(id).to_owned();
        if let Some(created) = self.created.iter_mut().find(|c| secret_id(&c.uri) == id) {
            created.content = content.to_vec();
        }
    }

    /// A secret was given an owner label.
    pub fn labelled(&mut self, id: &str, label: &str) {
        let id = secret_id(id).to_owned();
        if let Some(created) = self.created.iter_mut().find(|c| secret_id(&c.uri) == id) {
            created.label = Some(label.to_owned());
        }
    }

    /// A secret was removed: it is no longer there to own.
    pub fn removed(&mut self, id: &str) {
        let id = secret_id(id).to_owned();
        self.created.retain(|c| secret_id(&c.uri) != id);
        self.owned.insert(id, false);
    }

    /// A revision of a secret was removed: its content is asked again.
    pub fn revision_removed(&mut self, id: &str) {
        let id = secret_id(id).to_owned();
        self.created.retain(|c| secret_id(&c.uri) != id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(pairs: &[(&str, &str)]) -> Entries {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn set(key: &str, value: &str) -> Changes {
        vec![(key.to_owned(), Some(value.to_owned()))]
    }

    fn delete(key: &str) -> Changes {
        vec![(key.to_owned(), None)]
    }

    fn bag(relation: RelationId) -> BagRef {
        BagRef {
            relation,
            app: true,
            whose: "db".to_owned(),
        }
    }

    #[test]
    fn a_new_key_goes_in_key_order_and_a_changed_one_stays_in_place() {
        let mut bag = entries(&[("a", "1"), ("c", "3")]);
        apply(&mut bag, &set("b", "2"));
        apply(&mut bag, &set("c", "4"));
        apply(&mut bag, &delete("a"));
        assert_eq!(bag, entries(&[("b", "2"), ("c", "4")]));
    }

    #[test]
    fn a_bag_read_after_a_held_write_sees_the_write() {
        let mut bags = Bags::default();
        bags.hold(bag(7), set("version", "v1"));
        let seen = bags.read(bag(7), entries(&[("other", "x")]));
        assert_eq!(seen, entries(&[("other", "x"), ("version", "v1")]));
        assert_eq!(bags.get(&bag(7)), Some(&seen));
    }

    #[test]
    fn writes_to_one_bag_are_held_as_one_change_set_in_first_order() {
        let mut bags = Bags::default();
        bags.hold(bag(7), set("a", "1"));
        bags.hold(bag(8), set("x", "1"));
        bags.hold(bag(7), [set("b", "2"), delete("a")].concat());
        let held = bags.take_held();
        assert_eq!(
            held,
            vec![
                (
                    bag(7),
                    vec![
                        ("a".to_owned(), None),
                        ("b".to_owned(), Some("2".to_owned()))
                    ]
                ),
                (bag(8), set("x", "1")),
            ]
        );
        assert!(bags.take_held().is_empty());
    }

    #[test]
    fn writes_held_again_come_before_later_ones() {
        let mut bags = Bags::default();
        bags.hold(bag(7), set("a", "1"));
        let held = bags.take_held();
        bags.hold(bag(8), set("x", "1"));
        bags.hold_again(held);
        let order: Vec<RelationId> = bags.take_held().iter().map(|(b, _)| b.relation).collect();
        assert_eq!(order, vec![7, 8]);
    }

    #[test]
    fn every_uri_form_names_the_same_secret() {
        let model = "8e0b5a5c-0000-4000-8000-00000000cafe";
        assert_eq!(secret_id(&format!("secret://{model}/cn3q1e7")), "cn3q1e7");
        assert_eq!(secret_id("secret:cn3q1e7"), "cn3q1e7");
        assert_eq!(secret_id("cn3q1e7"), "cn3q1e7");
    }

    #[test]
    fn a_created_secret_is_found_by_any_uri_form_and_by_label_until_removed() {
        let mut secrets = Secrets::default();
        let content = entries(&[("password", "x")]);
        secrets.created("secret://m/abc", Some("db.7.user"), &content);
        assert_eq!(
            secrets.by_id("secret:abc").map(|c| &c.content),
            Some(&content)
        );
        assert!(secrets.by_label("db.7.user").is_some());
        assert_eq!(secrets.owned("abc"), Some(true));
        secrets.removed("secret:abc");
        assert!(secrets.by_id("abc").is_none());
        assert_eq!(secrets.owned("secret://m/abc"), Some(false));
    }
}
