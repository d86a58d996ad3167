//! Did-you-mean for unknown IDs: the closest defined ID of about the same
//! length, within an edit distance that grows with the ID.

use crate::ids;
use crate::workspace::Workspace;

/// Suggestions over the IDs the spec's project defines, loaded once per
/// check run (of one spec).
#[derive(Default)]
pub(super) struct Suggester {
    ids: Option<Vec<String>>,
    /// A spec naming the same unknown ID many times asks once.
    seen: std::collections::HashMap<String, Option<String>>,
}

impl Suggester {
    pub(super) fn suggest(&mut self, root: Option<&std::path::Path>, id: &str, ws: &Workspace) -> Option<String> {
        if let Some(s) = self.seen.get(id) {
            return s.clone();
        }
        let ids = self.ids.get_or_insert_with(|| ws.all_ids(root));
        let max = (id.len() / 5).clamp(1, 3);
        // Only IDs of about the same length can be that close.
        let found = ids
            .iter()
            .filter(|c| c.len().abs_diff(id.len()) <= max)
            .map(|c| (ids::edit_distance(id, c), c))
            .filter(|(d, _)| *d <= max)
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c.clone());
        self.seen.insert(id.to_owned(), found.clone());
        found
    }
}
