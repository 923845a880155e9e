//! Container image references (`registry/path:tag@digest`), split the way registries read them.
//!
//! Shared by the Kubernetes manifest checks and the Dockerfile checks, which ask the same two
//! questions of an image: is its version pinned (a tag other than `latest`, or a digest), and
//! which registry does it come from. The split follows the distribution reference grammar: the
//! digest starts at `@`; the tag is what follows the last `:` *after* the last `/`, so a registry
//! port (`localhost:5000/app`) is never mistaken for a tag.

/// Tags that name a branch or a channel, not a version: the image behind them changes.
const MOVING_TAGS: &[&str] = &[
    "master", "main", "develop", "dev", "edge", "nightly", "stable", "current", "lts", "rolling",
    "snapshot", "head", "trunk",
];

/// An image reference split into its parts; nothing is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag and digest (`docker.io/library/nginx`, `nginx`).
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(reference: &'a str) -> ImageRef<'a> {
        let reference = reference.trim();
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        ImageRef { name, tag, digest }
    }

    /// Why the reference does not pin a version, if it does not: `latest`, a branch-like tag
    /// that moves with every build (`master`, `main`, `develop`, ...; EXI-ARCH-27 asks for "an
    /// explicit version value"), or neither tag nor digest. A digest pins whatever the tag says.
    pub fn unpinned(&self) -> Option<&'static str> {
        if self.digest.is_some_and(|d| !d.is_empty()) {
            return None;
        }
        match self.tag {
            None | Some("") => Some("has no tag (it means `latest`)"),
            Some("latest") => Some("uses the `latest` tag"),
            Some(t) if MOVING_TAGS.contains(&t.to_ascii_lowercase().as_str()) => {
                Some("uses a tag that moves with every build, not a version")
            }
            Some(_) => None,
        }
    }

    /// The registry host when the reference names one: its first component holds a `.` or a
    /// `:`, or is `localhost`. `nginx` and `bitnami/redis` name none (Docker Hub is implied).
    pub fn registry(&self) -> Option<&'a str> {
        let (first, _) = self.name.split_once('/')?;
        (first.contains(['.', ':']) || first == "localhost").then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_tags_digests_and_ports() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.name, "localhost:5000/team/app");
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
        assert_eq!(r.registry(), Some("localhost:5000"));
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!((r.name, r.tag), ("localhost:5000/app", None));
        assert_eq!(
            ImageRef::parse("nginx").unpinned(),
            Some("has no tag (it means `latest`)")
        );
        assert_eq!(
            ImageRef::parse("nginx:latest").unpinned(),
            Some("uses the `latest` tag")
        );
        assert_eq!(ImageRef::parse("nginx:latest@sha256:0f").unpinned(), None);
        assert_eq!(ImageRef::parse("nginx:1.27").unpinned(), None);
        assert!(
            ImageRef::parse("harbor.example/p/app:master")
                .unpinned()
                .is_some()
        );
        assert!(ImageRef::parse("debian:stable").unpinned().is_some());
        assert_eq!(
            ImageRef::parse("debian:stable-slim").unpinned(),
            None,
            "only exact moving tags"
        );
        assert_eq!(ImageRef::parse("app:main@sha256:0f").unpinned(), None);
        assert_eq!(ImageRef::parse("bitnami/redis:7").registry(), None);
        assert_eq!(ImageRef::parse("quay.io/x/y:1").registry(), Some("quay.io"));
        assert!(ImageRef::parse("").unpinned().is_some());
    }
}
