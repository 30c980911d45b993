//! Resources given more than once. The later copy wins, as overlapping snapshots are normal,
//! but silently it would let a copy in another file (or further down the same one) replace
//! the one a reviewer reads: each replacement is a warning naming both files.

use super::Diagnostic;
use crate::model::{Inventory, Resource, ResourceType};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// How many ids one warning names; the rest are counted.
const NAMED_IDS: usize = 5;

/// Which file each resource came from, and the replacements met.
#[derive(Default)]
pub(crate) struct Seen {
    origins: Vec<String>,
    origin_index: HashMap<String, usize>,
    current: usize,
    /// The file each resource was last given in, by a hash of its kind and id: no copy of
    /// every id is kept. It is read only for a resource the inventory already holds (a true
    /// duplicate), so a hash collision could at worst misname the earlier file.
    at: HashMap<u64, usize>,
    /// Replacements by (kind, earlier file, later file), in the order met.
    groups: Vec<Group>,
    group_index: HashMap<(ResourceType, usize, usize), usize>,
}

struct Group {
    noun: ResourceType,
    earlier: usize,
    later: usize,
    ids: Vec<String>,
    count: usize,
}

impl Seen {
    /// The resources noted next come from `origin`.
    pub(crate) fn enter(&mut self, origin: &str) {
        self.current = match self.origin_index.get(origin) {
            Some(i) => *i,
            None => {
                self.origins.push(origin.to_string());
                self.origin_index
                    .insert(origin.to_string(), self.origins.len() - 1);
                self.origins.len() - 1
            }
        };
    }

    /// Inserts each resource into the inventory ([`Inventory::insert`]), noting each one that
    /// replaces a resource the inventory already held: the one insert of every loader.
    pub(crate) fn insert_all(
        &mut self,
        inv: &mut Inventory,
        items: impl IntoIterator<Item = Resource>,
    ) {
        for r in items {
            let (ty, id) = (r.resource_type(), r.id().to_string());
            let replaced = inv.insert(r);
            self.note(ty, &id, replaced);
        }
    }

    /// Notes a resource added to the inventory; `replaced`: it held one with that id.
    fn note(&mut self, noun: ResourceType, id: &str, replaced: bool) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (noun, id).hash(&mut h);
        let h = h.finish();
        if replaced {
            let earlier = self.at.get(&h).copied().unwrap_or(self.current);
            let key = (noun, earlier, self.current);
            let i = *self.group_index.entry(key).or_insert_with(|| {
                self.groups.push(Group {
                    noun,
                    earlier,
                    later: key.2,
                    ids: Vec::new(),
                    count: 0,
                });
                self.groups.len() - 1
            });
            let g = &mut self.groups[i];
            // A resource listed three times is one resource listed more than once.
            if g.ids.last().map(String::as_str) != Some(id) {
                g.count += 1;
                if g.ids.len() < NAMED_IDS {
                    g.ids.push(id.to_string());
                }
            }
        }
        self.at.insert(h, self.current);
    }

    /// One warning per kind and pair of files.
    pub(crate) fn warnings(&self) -> Vec<Diagnostic> {
        self.groups
            .iter()
            .map(|g| {
                let (earlier, later) = (&self.origins[g.earlier], &self.origins[g.later]);
                let mut ids = g.ids.join(", ");
                if g.count > g.ids.len() {
                    ids += &format!(" and {} more", g.count - g.ids.len());
                }
                let message = match (g.earlier == g.later, g.count) {
                    (true, 1) => format!(
                        "{} {ids} is listed more than once in {later}; the last copy is used",
                        g.noun.nouns().0
                    ),
                    (true, n) => format!(
                        "{n} {} are listed more than once in {later} ({ids}); the last copies are used",
                        g.noun.nouns().1
                    ),
                    (false, 1) => format!(
                        "{} {ids} is in {earlier} and {later}; the copy in {later} is used",
                        g.noun.nouns().0
                    ),
                    (false, n) => format!(
                        "{n} {} are in both {earlier} and {later} ({ids}); the copies in {later} are used",
                        g.noun.nouns().1
                    ),
                };
                Diagnostic {
                    file: later.clone(),
                    path: None,
                    line: None,
                    column: None,
                    message,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::load::Loader;

    fn services(arns: &[&str]) -> String {
        let items: Vec<String> = arns
            .iter()
            .map(|a| format!(r#"{{"serviceArn": "{a}", "desiredCount": {}}}"#, a.len()))
            .collect();
        format!(r#"{{"services": [{}]}}"#, items.join(", "))
    }

    #[test]
    fn a_resource_in_two_files_is_a_warning_naming_both() {
        let web = "arn:aws:ecs:us-east-1:1:service/c/web";
        let mut l = Loader::new();
        l.add("a.json", services(&[web, "x"]).as_bytes()).unwrap();
        l.add("b.json", services(&[web]).as_bytes()).unwrap();
        l.add(
            "c.json",
            r#"{"SecurityGroups": [{"GroupId": "sg-1"}, {"GroupId": "sg-1"}]}"#.as_bytes(),
        )
        .unwrap();
        let (inv, w) = l.finish();
        assert_eq!(inv.services.len(), 2);
        let messages: Vec<String> = w.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            messages,
            [
                format!("b.json: service {web} is in a.json and b.json; the copy in b.json is used"),
                "c.json: security group sg-1 is listed more than once in c.json; the last copy is used".to_string(),
            ]
        );
    }

    #[test]
    fn many_duplicates_make_one_warning_per_pair_of_files() {
        let arns: Vec<String> = (0..8).map(|i| format!("s{i}")).collect();
        let arns: Vec<&str> = arns.iter().map(String::as_str).collect();
        let mut l = Loader::new();
        l.add("a.json", services(&arns).as_bytes()).unwrap();
        l.add("b.json", services(&arns).as_bytes()).unwrap();
        let (_, w) = l.finish();
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].message,
            "8 services are in both a.json and b.json (s0, s1, s2, s3, s4 and 3 more); the copies in b.json are used"
        );
    }

    #[test]
    fn distinct_resources_give_no_warning() {
        let mut l = Loader::new();
        l.add("a.json", services(&["s1"]).as_bytes()).unwrap();
        l.add("b.json", services(&["s2"]).as_bytes()).unwrap();
        assert!(l.finish().1.is_empty());
    }
}
