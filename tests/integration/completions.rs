//! `mamlint completions SHELL` and `mamlint man`: every subcommand of the real `clap` definition
//! is offered by each shell's script and named in the man pages.

use clap::CommandFactory;
use clap::ValueEnum;
use clap_complete::Shell;

use crate::support::mamlint;

/// The subcommands as `clap` knows them, so a new one cannot be left out of these tests.
fn subcommands() -> Vec<String> {
    let names: Vec<String> = mamlint::cli::Cli::command()
        .get_subcommands()
        .map(|command| command.get_name().to_owned())
        .collect();
    // Guards the tests below against an empty list passing every check.
    for expected in ["check", "plan", "completions", "man"] {
        assert!(names.iter().any(|name| name == expected), "{names:?}");
    }
    names
}

/// How each shell's script offers `name` as a candidate after `mamlint `: the subcommand's
/// name alone also occurs in descriptions ("man" in "manifests"), so the test looks for it
/// where a candidate is declared.
fn candidate(shell: Shell, name: &str) -> String {
    match shell {
        Shell::Bash => format!("mamlint,{name})"),
        Shell::Zsh => format!("'{name}:"),
        Shell::Fish => format!("__fish_mamlint_needs_command\" -f -a \"{name}\""),
        Shell::PowerShell => format!("[CompletionResult]::new('{name}', '{name}',"),
        Shell::Elvish => format!("cand {name} '"),
        other => panic!("no candidate form for {other:?}: add it here"),
    }
}

fn stdout_of(args: &[&str]) -> String {
    let output = mamlint().args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty(), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_shell_script_offers_every_subcommand() {
    let names = subcommands();
    for shell in Shell::value_variants() {
        let value = shell.to_possible_value().unwrap();
        let script = stdout_of(&["completions", value.get_name()]);
        assert!(!script.trim().is_empty(), "{shell:?}");
        for name in &names {
            assert!(
                script.contains(&candidate(*shell, name)),
                "{shell:?} does not offer {name}"
            );
        }
    }
}

/// The bash script run by bash itself: completing after `mamlint ` lists the subcommands.
#[test]
fn bash_completes_the_subcommands() {
    let script = stdout_of(&["completions", "bash"]);
    let output = std::process::Command::new("bash")
        .args([
            "--norc",
            "-c",
            "eval \"$SCRIPT\"; COMP_WORDS=(mamlint ''); COMP_CWORD=1; \
             _mamlint mamlint '' mamlint; printf '%s\\n' \"${COMPREPLY[@]}\"",
        ])
        .env("SCRIPT", script)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let offered = String::from_utf8(output.stdout).unwrap();
    let offered: Vec<&str> = offered.lines().collect();
    for name in subcommands() {
        assert!(offered.contains(&name.as_str()), "{name} in {offered:?}");
    }
    assert!(offered.contains(&"--version"), "{offered:?}");
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let output = mamlint().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: invalid value 'tcsh' for '<SHELL>'\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{stderr}"
    );
}

#[test]
fn the_man_page_is_roff_and_names_every_subcommand() {
    let page = stdout_of(&["man"]);
    assert!(
        page.lines().any(|line| line.starts_with(".TH mamlint 1 ")),
        "{page}"
    );
    let subcommands_section = page
        .split_once(".SH SUBCOMMANDS\n")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no SUBCOMMANDS section:\n{page}"));
    for name in subcommands() {
        // roff escapes every hyphen of a page name (`mamlint\-test\-rules`).
        let reference = format!("mamlint\\-{}(1)", name.replace('-', "\\-"));
        assert!(subcommands_section.contains(&reference), "{reference}");
    }
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let out_arg = out.to_str().unwrap();
    assert_eq!(stdout_of(&["man", "--dir", out_arg]), "");
    let main = std::fs::read_to_string(out.join("mamlint.1")).unwrap();
    assert!(main.contains("\n.TH mamlint 1 "), "{main}");
    for name in subcommands() {
        let path = out.join(format!("mamlint-{name}.1"));
        let page = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        // troff reads bytes, not UTF-8: a `…` or `—` in a help text prints as garbage in `man`.
        assert!(
            page.is_ascii(),
            "{} has non-ASCII help text: {:?}",
            path.display(),
            page.chars().find(|c| !c.is_ascii())
        );
        assert!(
            page.contains(&format!("\n.TH mamlint-{name} 1 ")),
            "{}:\n{page}",
            path.display()
        );
    }
}

#[test]
fn man_dir_that_is_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("taken");
    std::fs::write(&file, "").unwrap();
    let output = mamlint()
        .args(["man", "--dir", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("error: cannot create {}: ", file.display())),
        "{stderr}"
    );
}
