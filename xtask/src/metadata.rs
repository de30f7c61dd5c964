//! `cargo xtask metadata import --from <file-or-https-url> --version v1.0|beta [--check]
//! [--changelog FILE]` and `cargo xtask metadata diff OLD NEW [--changelog FILE]`.
//!
//! Reads a Graph `$metadata` document, keeps what `codegen.toml` `[api]` names
//! ([`crate::config`]: the namespace, `microsoft.graph.callRecords`, with its
//! closure and container paths, plus the root types such as `microsoft.graph.call`
//! with theirs; [`msgraph_csdl::subset`]), merges in the
//! project's descriptions from the committed file (committed text wins for
//! every target that still exists, see the `subset` module docs) and writes
//! the version's `metadata` file in the project's CSDL format
//! ([`msgraph_csdl::write`]). Re-importing an unchanged document changes
//! nothing. `--check` writes nothing and fails when the file would change.
//!
//! Both commands print the API change report ([`msgraph_csdl::diff()`]): what
//! changed between the committed file (or `OLD`) and the new document, each
//! change additive or breaking for the generated crates. `--changelog FILE`
//! also records it in a keep-a-changelog file under `--heading` (default
//! `[Unreleased]`: into that section's lists when the file has one, else as
//! a new section on top); not with `--check`, which writes nothing.
//!
//! No Graph beta `$metadata` has been imported yet: the committed beta file
//! is the v1.0 file plus the documented beta delta, generated and checked by
//! `crates/msgraph-csdl/tests/import_beta.rs`. Once a real beta document is
//! imported with `--version beta`, that generator test has to go.

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use msgraph_csdl::subset::MergeReport;
use msgraph_csdl::ApiDiff;

use crate::config::{Api, Config};
use crate::flags::{ChangelogArgs, DiffArgs, GraphVersion, ImportArgs};
use crate::util::{ensure_file_contents, project_root, FileState};

/// Upper bound for a downloaded `$metadata` document (the v1.0 one is 3.5 MB).
const MAX_DOWNLOAD: u64 = 256 << 20;

/// Imports the configured subset of a `$metadata` document into the version's metadata file.
pub fn import(args: &ImportArgs) -> anyhow::Result<()> {
    let root = project_root();
    let config = Config::load(&root)?;
    let relative = config.version(version_name(args.version))?.metadata.clone();
    let target = root.join(&relative);
    let (bytes, source) = fetch(&args.from)?;
    let committed = read_committed(&target)?;
    let (xml, report) = import_document(&config.api, &bytes, &source, committed.as_deref())?;
    for t in &report.dropped {
        eprintln!("note: dropped the project description of `{t}`: the target no longer exists");
    }
    match &committed {
        Some(old) => {
            let changes = api_changes(old, &relative, &xml, &source)?;
            print!("{}", changes.report());
            if args.check {
                if args.changelog.changelog.is_some() {
                    eprintln!("note: --check writes nothing: the CHANGELOG is left as it is");
                }
            } else {
                record_changelog(&args.changelog, &changes)?;
            }
        }
        None => eprintln!("note: no committed {relative}: no API change report"),
    }
    match ensure_file_contents(&target, &xml, args.check)? {
        FileState::UpToDate => eprintln!("{relative} is up to date"),
        FileState::Written => eprintln!("wrote {relative} ({} bytes)", xml.len()),
        FileState::Stale => bail!(
            "{relative} is out of date with {}; run `cargo xtask metadata import --from {} --version {}`",
            args.from,
            args.from,
            version_name(args.version)
        ),
    }
    Ok(())
}

/// `cargo xtask metadata diff OLD NEW`: prints the API changes from `OLD` to `NEW`.
pub fn diff(args: &DiffArgs) -> anyhow::Result<()> {
    let (old, old_source) = fetch(&args.old)?;
    let (new, new_source) = fetch(&args.new)?;
    let text = |bytes: Vec<u8>, source: &str| {
        String::from_utf8(bytes).map_err(|e| anyhow!("{source} is not UTF-8: {e}"))
    };
    let changes = api_changes(
        &text(old, &old_source)?,
        &old_source,
        &text(new, &new_source)?,
        &new_source,
    )?;
    print!("{}", changes.report());
    record_changelog(&args.changelog, &changes)
}

/// The API changes from the CSDL text `old` to `new` (names are the sources in errors).
pub fn api_changes(
    old: &str,
    old_name: &str,
    new: &str,
    new_name: &str,
) -> anyhow::Result<ApiDiff> {
    let load = |text: &str, name: &str| {
        msgraph_csdl::load(text.as_bytes(), name).map_err(|e| anyhow!("cannot compare: {e}"))
    };
    Ok(msgraph_csdl::diff(
        &load(old, old_name)?,
        &load(new, new_name)?,
    ))
}

/// Records `changes` in the `--changelog` file, if one was asked for.
fn record_changelog(args: &ChangelogArgs, changes: &ApiDiff) -> anyhow::Result<()> {
    let Some(path) = &args.changelog else {
        return Ok(());
    };
    let entries = changes.changelog_entries();
    if entries.is_empty() {
        eprintln!("no API changes: {} left as it is", path.display());
        return Ok(());
    }
    let existing = read_committed(path)?;
    let text = update_changelog(existing.as_deref(), &args.heading, &entries);
    std::fs::write(path, text).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    eprintln!(
        "recorded the API changes in {} under {}",
        path.display(),
        args.heading
    );
    Ok(())
}

/// `existing` (a keep-a-changelog file, or nothing) with `entries` added
/// under `## {heading}`: into that section's `### Added`/`Changed`/...
/// lists (first in each; a missing list is added at the section's end)
/// when the file has the section, else as a new section before the first
/// `## ` one.
pub fn update_changelog(
    existing: Option<&str>,
    heading: &str,
    entries: &[(&str, Vec<String>)],
) -> String {
    let header = format!("## {heading}");
    let section: String = entries
        .iter()
        .map(|(title, lines)| format!("\n### {title}\n\n{}\n", lines.join("\n")))
        .collect();
    let existing = existing.unwrap_or_default();
    if existing.trim().is_empty() {
        return format!(
            "# Changelog\n\nAll notable changes to this project are documented in this file \
             (format: [Keep a Changelog](https://keepachangelog.com/en/1.1.0/)).\n\n{header}\n{section}"
        );
    }
    let mut lines: Vec<String> = existing.lines().map(str::to_string).collect();
    let Some(start) = lines.iter().position(|l| *l == header) else {
        let first = lines.iter().position(|l| l.starts_with("## "));
        return match first {
            Some(i) => format!(
                "{}\n{header}\n{section}\n{}\n",
                lines[..i].join("\n"),
                lines[i..].join("\n")
            ),
            None => format!("{}\n\n{header}\n{section}", existing.trim_end()),
        };
    };
    for (title, new) in entries {
        let end = lines[start + 1..]
            .iter()
            .position(|l| l.starts_with("## "))
            .map_or(lines.len(), |i| start + 1 + i);
        let sub = format!("### {title}");
        match lines[start..end].iter().position(|l| *l == sub) {
            Some(i) => {
                let mut at = start + i + 1;
                if lines.get(at).is_some_and(|l| l.is_empty()) {
                    at += 1;
                }
                lines.splice(at..at, new.iter().cloned());
            }
            None => {
                let mut at = end;
                while at > start + 1 && lines[at - 1].is_empty() {
                    at -= 1;
                }
                let block = [String::new(), sub, String::new()];
                lines.splice(at..at, block.into_iter().chain(new.iter().cloned()));
            }
        }
    }
    lines.join("\n") + "\n"
}

fn version_name(version: GraphVersion) -> &'static str {
    match version {
        GraphVersion::V1 => "v1.0",
        GraphVersion::Beta => "beta",
    }
}

/// The committed file's text, if it exists.
fn read_committed(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow!("cannot read {}: {e}", path.display())),
    }
}

/// The import step on bytes: load, subset to what `api` names, merge the committed
/// descriptions, write, and check that the result loads back with every reference resolved.
pub fn import_document(
    api: &Api,
    bytes: &[u8],
    source: &str,
    committed: Option<&str>,
) -> anyhow::Result<(String, MergeReport)> {
    let upstream =
        msgraph_csdl::load(bytes, source).map_err(|e| anyhow!("cannot import {source}: {e}"))?;
    let committed = committed
        .map(|text| msgraph_csdl::load(text.as_bytes(), "committed metadata file"))
        .transpose()
        .map_err(|e| anyhow!("cannot read the project's descriptions: {e}"))?;
    let mut closure = msgraph_csdl::closure(&upstream, &api.namespace)
        .map_err(|e| anyhow!("cannot import {source}: {e}"))?;
    let paths: Vec<&str> = api.paths.iter().map(String::as_str).collect();
    closure
        .keep_paths(&paths)
        .map_err(|e| anyhow!("cannot import {source}: {e}"))?;
    let types: Vec<&str> = api.types.iter().map(String::as_str).collect();
    closure
        .add_root_types(&upstream, &types)
        .map_err(|e| anyhow!("cannot import {source}: {e}"))?;
    let mut doc = msgraph_csdl::subset::subset(&upstream, &closure);
    let report = match &committed {
        Some(existing) => msgraph_csdl::subset::merge_descriptions(&mut doc, existing),
        None => MergeReport::default(),
    };
    let xml = msgraph_csdl::write::write_document(&doc);
    // Never write a file the project cannot read back.
    msgraph_csdl::load(xml.as_bytes(), "imported subset")
        .map_err(|e| anyhow!("internal error: the imported subset does not load: {e}"))?;
    Ok((xml, report))
}

/// Reads `from`: an `https://` URL, a plain `http://` URL on the loopback interface
/// (tests), or a file path. Returns the bytes and the source name for error messages.
pub fn fetch(from: &str) -> anyhow::Result<(Vec<u8>, String)> {
    if from.starts_with("https://") {
        return download(from, true).map(|b| (b, from.to_string()));
    }
    if let Some(rest) = from.strip_prefix("http://") {
        let host = rest.split(['/', '?']).next().unwrap_or("");
        if host == "127.0.0.1" || host.starts_with("127.0.0.1:") {
            return download(from, false).map(|b| (b, from.to_string()));
        }
        bail!("refusing to fetch {from} over plain http; use an https:// URL");
    }
    if from.contains("://") {
        bail!("unsupported URL {from}: use an https:// URL or a file path");
    }
    let bytes = std::fs::read(from).with_context(|| format!("cannot read {from}"))?;
    Ok((bytes, from.to_string()))
}

fn download(url: &str, https_only: bool) -> anyhow::Result<Vec<u8>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .https_only(https_only)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .header("Accept", "application/xml")
        .call()
        .map_err(|e| anyhow!("cannot fetch {url}: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("cannot fetch {url}: HTTP {status}");
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_vec()
        .map_err(|e| anyhow!("cannot read the response from {url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    const TINY: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="cloudCommunications">
        <NavigationProperty Name="callRecords" Type="Collection(microsoft.graph.callRecords.callRecord)" ContainsTarget="true" />
        <NavigationProperty Name="calls" Type="Collection(graph.call)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="call" BaseType="graph.entity" />
      <EntityType Name="user" BaseType="graph.entity" />
      <EntityContainer Name="GraphService">
        <EntitySet Name="users" EntityType="microsoft.graph.user" />
        <Singleton Name="communications" Type="microsoft.graph.cloudCommunications" />
      </EntityContainer>
    </Schema>
    <Schema Namespace="microsoft.graph.callRecords" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="callRecord" BaseType="graph.entity">
        <Property Name="version" Type="Edm.Int64" Nullable="false" />
      </EntityType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

    /// `[api]` with the namespace only: every container path, no root types.
    fn api() -> Api {
        Api {
            namespace: "microsoft.graph.callRecords".into(),
            paths: Vec::new(),
            types: Vec::new(),
        }
    }

    /// Serves one HTTP response on 127.0.0.1 to one connection, then stops.
    fn serve_once(status: &'static str, body: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        format!("http://{addr}/v1.0/$metadata")
    }

    #[test]
    fn imports_a_small_document_with_only_the_path() {
        let (xml, report) = import_document(&api(), TINY.as_bytes(), "tiny.xml", None).unwrap();
        assert!(report.kept.is_empty() && report.dropped.is_empty());
        assert!(xml.contains(
            r#"<Singleton Name="communications" Type="microsoft.graph.cloudCommunications" />"#
        ));
        assert!(xml.contains(r#"<EntityType Name="callRecord" BaseType="graph.entity">"#));
        assert!(!xml.contains("users"), "unrelated entity set kept:\n{xml}");
        assert!(
            !xml.contains(r#"Name="calls""#),
            "off-path navigation kept:\n{xml}"
        );
        // Re-import with the result as the committed file: nothing changes.
        let (again, _) = import_document(&api(), TINY.as_bytes(), "tiny.xml", Some(&xml)).unwrap();
        assert_eq!(xml, again);
    }

    #[test]
    fn root_types_and_paths_come_from_the_configuration() {
        let with_call = Api {
            paths: vec!["communications/callRecords".into()],
            types: vec!["microsoft.graph.call".into()],
            ..api()
        };
        let (xml, _) = import_document(&with_call, TINY.as_bytes(), "tiny.xml", None).unwrap();
        assert!(
            xml.contains(r#"<EntityType Name="call" BaseType="graph.entity" />"#),
            "{xml}"
        );
        assert!(
            !xml.contains(r#"Name="user""#),
            "unrelated type kept:\n{xml}"
        );
        // The root type comes without a container path to it: no builders reach it.
        assert!(!xml.contains(r#"Name="calls""#), "{xml}");

        let missing = Api {
            types: vec!["microsoft.graph.nothing".into()],
            ..api()
        };
        let err = import_document(&missing, TINY.as_bytes(), "tiny.xml", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("root type microsoft.graph.nothing is not declared"),
            "{err}"
        );

        let off_path = Api {
            paths: vec!["communications/calls".into()],
            ..api()
        };
        let err = import_document(&off_path, TINY.as_bytes(), "tiny.xml", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("container path `communications/calls` does not reach namespace microsoft.graph.callRecords")
                && err.contains("paths found: /communications/callRecords"),
            "{err}"
        );
    }

    #[test]
    fn committed_descriptions_survive_and_vanished_ones_are_reported() {
        let (xml, _) = import_document(&api(), TINY.as_bytes(), "tiny.xml", None).unwrap();
        let committed = xml.replace(
            "    </Schema>\n  </edmx:DataServices>",
            "      <Annotations Target=\"microsoft.graph.callRecords.callRecord/version\">\n        <Annotation Term=\"Org.OData.Core.V1.Description\" String=\"Our text.\" />\n      </Annotations>\n      <Annotations Target=\"microsoft.graph.callRecords.callRecord\">\n        <Annotation Term=\"Org.OData.Core.V1.Description\" String=\"Kept.\" />\n      </Annotations>\n    </Schema>\n  </edmx:DataServices>",
        );
        let (out, report) =
            import_document(&api(), TINY.as_bytes(), "tiny.xml", Some(&committed)).unwrap();
        assert!(out.contains(r#"String="Our text.""#));
        assert_eq!(report.kept.len(), 2);
        let renamed = TINY.replace(r#"Name="version""#, r#"Name="revision""#);
        let (out, report) =
            import_document(&api(), renamed.as_bytes(), "tiny.xml", Some(&committed)).unwrap();
        assert!(!out.contains("Our text."));
        assert!(out.contains("Kept."));
        assert_eq!(
            report.dropped,
            ["microsoft.graph.callRecords.callRecord/version"]
        );
    }

    #[test]
    fn bad_csdl_names_source_line_and_column() {
        let broken = TINY.replace(
            "<Property Name=\"version\" Type=\"Edm.Int64\" Nullable=\"false\" />",
            "<Property Name=\"version\" Type=\"Edm.Int64\" Nullable=\"false\">",
        );
        let err = import_document(&api(), broken.as_bytes(), "broken.xml", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot import broken.xml: broken.xml:"),
            "{err}"
        );
        let unresolved = TINY.replace(
            "graph.entity\">\n        <Property",
            "graph.nothing\">\n        <Property",
        );
        let err = import_document(&api(), unresolved.as_bytes(), "u.xml", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("u.xml:") && err.contains("graph.nothing"),
            "{err}"
        );
    }

    #[test]
    fn missing_file_is_a_clear_error() {
        let err = fetch("no/such/metadata.xml").unwrap_err();
        assert_eq!(format!("{err}"), "cannot read no/such/metadata.xml");
        assert!(format!("{err:#}").contains("No such file"), "{err:#}");
    }

    #[test]
    fn plain_http_is_refused_except_loopback() {
        let err = fetch("http://graph.microsoft.com/v1.0/$metadata")
            .unwrap_err()
            .to_string();
        assert!(err.contains("plain http"), "{err}");
        let err = fetch("ftp://example.com/x").unwrap_err().to_string();
        assert!(err.contains("unsupported URL"), "{err}");
    }

    #[test]
    fn http_errors_are_reported_with_status() {
        let url = serve_once("404 Not Found", "nope");
        let err = fetch(&url).unwrap_err().to_string();
        assert!(err.contains("HTTP 404"), "{err}");
    }

    #[test]
    fn downloads_over_loopback() {
        let url = serve_once("200 OK", TINY);
        let (bytes, source) = fetch(&url).unwrap();
        assert_eq!(source, url);
        assert_eq!(bytes, TINY.as_bytes());
    }

    #[test]
    fn unreachable_https_host_is_an_error() {
        // Port 1 on loopback: the connection is refused at once, no network needed.
        let err = fetch("https://127.0.0.1:1/v1.0/$metadata")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot fetch https://127.0.0.1:1/"),
            "{err}"
        );
    }

    /// TINY with `callRecord.version` retyped and a new `endDateTime`.
    fn changed_tiny() -> String {
        TINY.replace(
            r#"<Property Name="version" Type="Edm.Int64" Nullable="false" />"#,
            r#"<Property Name="version" Type="Edm.String" Nullable="false" />
        <Property Name="endDateTime" Type="Edm.DateTimeOffset" />"#,
        )
    }

    #[test]
    fn import_reports_the_api_changes_from_the_committed_file() {
        let (committed, _) = import_document(&api(), TINY.as_bytes(), "tiny.xml", None).unwrap();
        let (xml, _) = import_document(
            &api(),
            changed_tiny().as_bytes(),
            "new.xml",
            Some(&committed),
        )
        .unwrap();
        let changes = api_changes(&committed, "committed", &xml, "new").unwrap();
        assert_eq!(
            changes.report(),
            "API changes: 2 (1 breaking, 1 additive)\n\
             \x20 additive  property added: `microsoft.graph.callRecords.callRecord/endDateTime` (Edm.DateTimeOffset)\n\
             \x20 BREAKING  property changed: `microsoft.graph.callRecords.callRecord/version` (Edm.Int64 -> Edm.String)\n"
        );
        // A bad document is named.
        let err = api_changes(&committed, "committed", "<x/>", "new.xml")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot compare: new.xml:1:1: root element is <x>"),
            "{err}"
        );
    }

    #[test]
    fn changelog_entries_join_the_unreleased_section_or_start_one() {
        let entries = vec![
            ("Added", vec!["- property `a/b`: Edm.String".to_string()]),
            (
                "Removed",
                vec!["- **Breaking:** property `a/c`: Edm.Int32".to_string()],
            ),
        ];
        // A new file: title, preamble, the section.
        let fresh = update_changelog(None, "[Unreleased]", &entries);
        assert!(
            fresh.starts_with("# Changelog\n\nAll notable changes"),
            "{fresh}"
        );
        assert!(
            fresh.ends_with(".\n\n## [Unreleased]\n\n### Added\n\n- property `a/b`: Edm.String\n\n### Removed\n\n- **Breaking:** property `a/c`: Edm.Int32\n"),
            "{fresh}"
        );
        // The section exists: entries lead its lists; a missing list goes at its end.
        let existing = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n\n- a feature\n\n### Fixed\n\n- a bug\n\n## [0.1.0] - 2026-11-01\n\n### Removed\n\n- old\n";
        assert_eq!(
            update_changelog(Some(existing), "[Unreleased]", &entries),
            "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n\n- property `a/b`: Edm.String\n- a feature\n\n### Fixed\n\n- a bug\n\n### Removed\n\n- **Breaking:** property `a/c`: Edm.Int32\n\n## [0.1.0] - 2026-11-01\n\n### Removed\n\n- old\n"
        );
        // Another heading: a new section before the first release.
        assert_eq!(
            update_changelog(Some(existing), "[0.2.0] - 2026-12-06", &entries[..1]),
            "# Changelog\n\nIntro.\n\n## [0.2.0] - 2026-12-06\n\n### Added\n\n- property `a/b`: Edm.String\n\n## [Unreleased]\n\n### Added\n\n- a feature\n\n### Fixed\n\n- a bug\n\n## [0.1.0] - 2026-11-01\n\n### Removed\n\n- old\n"
        );
        // No section at all: appended after the title.
        assert_eq!(
            update_changelog(Some("# Changelog\n"), "[Unreleased]", &entries[..1]),
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- property `a/b`: Edm.String\n"
        );
    }

    #[test]
    fn diff_command_prints_and_records_in_a_changelog() {
        let dir = std::env::temp_dir().join(format!("xtask-diff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (old, new, log) = (
            dir.join("old.xml"),
            dir.join("new.xml"),
            dir.join("CHANGELOG.md"),
        );
        std::fs::write(&old, TINY).unwrap();
        std::fs::write(&new, changed_tiny()).unwrap();
        let args = |heading: &str| DiffArgs {
            old: old.display().to_string(),
            new: new.display().to_string(),
            changelog: ChangelogArgs {
                changelog: Some(log.clone()),
                heading: heading.to_string(),
            },
        };
        let retyped = "- **Breaking:** property `microsoft.graph.callRecords.callRecord/version`: Edm.Int64 -> Edm.String\n";
        diff(&args("[0.1.0] - 2026-12-01")).unwrap();
        diff(&args("[Unreleased]")).unwrap();
        let text = std::fs::read_to_string(&log).unwrap();
        let unreleased = text.find("## [Unreleased]").expect("new section");
        let released = text.find("## [0.1.0] - 2026-12-01").expect("first section");
        assert!(
            text.starts_with("# Changelog") && unreleased < released,
            "{text}"
        );
        assert!(
            text.contains(&format!("### Changed\n\n{retyped}")),
            "{text}"
        );
        // Again under [Unreleased]: the entries join that section's lists.
        diff(&args("[Unreleased]")).unwrap();
        let again = std::fs::read_to_string(&log).unwrap();
        assert_eq!(again.matches("## [Unreleased]").count(), 1, "{again}");
        assert_eq!(again.matches(retyped).count(), 3, "{again}");
        let text = again;
        // No change: the changelog is left as it is.
        let same = DiffArgs {
            new: old.display().to_string(),
            ..args("[Unreleased] - none")
        };
        diff(&same).unwrap();
        assert_eq!(std::fs::read_to_string(&log).unwrap(), text);
        // A missing file is a clear error.
        let missing = DiffArgs {
            old: dir.join("nope.xml").display().to_string(),
            ..args("x")
        };
        let err = diff(&missing).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot read ") && err.ends_with("nope.xml"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn committed_v1_file_is_what_the_importer_writes() {
        let upstream = project_root().join("../shared/upstream-metadata/graph-v1.0-metadata.xml");
        let Ok(bytes) = std::fs::read(&upstream) else {
            eprintln!("skipped: {} is absent", upstream.display());
            return;
        };
        let config = Config::load(&project_root()).unwrap();
        let target = project_root().join(&config.version("v1.0").unwrap().metadata);
        let committed = std::fs::read_to_string(&target).expect("committed v1.0 file");
        let (xml, report) =
            import_document(&config.api, &bytes, "upstream", Some(&committed)).unwrap();
        assert!(report.dropped.is_empty(), "{:?}", report.dropped);
        assert!(
            xml == committed,
            "{} is stale: re-run the import",
            target.display()
        );
    }
}
