//! `mamlint test-rules`: the `test_*` rules of the Rego files, run as `opa test` runs them
//! (a test passes when it evaluates to `true`; undefined, false or an error fails it).

use regorus::utils::limits::ExecutionTimerConfig;
use serde::Serialize;

use super::CustomRules;

/// One test's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestResult {
    pub file: String,
    /// `data.mamlint.custom.pin`, without `data.`.
    pub package: String,
    pub name: String,
    pub passed: bool,
    /// Why it failed, when evaluation gave a reason (an error, a parse error, the time limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The names of the top-level `test_*` rules of a file, in order.
fn test_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Runs every test; a file that does not parse is one failed result.
pub fn run(rules: &CustomRules) -> Vec<TestResult> {
    let mut results = Vec::new();
    for file in rules.files.iter().filter(|f| !f.parses) {
        let message = file.errors.first().map(|e| e.message.clone());
        results.push(TestResult {
            file: file.path.clone(),
            package: String::new(),
            name: String::new(),
            passed: false,
            error: message,
        });
    }
    let (mut engine, packages) = super::eval::engine(rules);
    let _bound = super::eval::MemoryBound::set(rules.memory);
    engine.set_input(regorus::Value::new_object());
    for package in &packages {
        for &i in &package.files {
            let Some(file) = rules.files.get(i) else {
                continue;
            };
            for name in test_names(&file.text) {
                engine.set_execution_timer_config(ExecutionTimerConfig {
                    limit: rules.timeout,
                    check_interval: super::eval::CHECK_INTERVAL,
                });
                let outcome = engine.eval_rule(format!("{}.{name}", package.name));
                let (passed, error) = match outcome {
                    Ok(regorus::Value::Bool(true)) => (true, None),
                    Ok(_) => (false, None),
                    Err(error) => (false, Some(error.to_string().trim().to_owned())),
                };
                results.push(TestResult {
                    file: file.path.clone(),
                    package: package
                        .name
                        .strip_prefix("data.")
                        .unwrap_or(&package.name)
                        .to_owned(),
                    name,
                    passed,
                    error,
                });
            }
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_pass_when_true_and_fail_otherwise() {
        let text = "package mamlint.custom.t\n\ndouble(x) := x * 2\n\ntest_double if double(2) == 4\n\ntest_wrong if double(2) == 5\n\ntest_error if 1 / 0 == 1\n";
        let rules = CustomRules {
            files: vec![super::super::parse("t.rego".to_owned(), text.to_owned())],
            timeout: std::time::Duration::from_secs(2),
            memory: crate::config::DEFAULT_CUSTOM_RULES_MEMORY,
            errors: Vec::new(),
        };
        let results = run(&rules);
        let outcomes: Vec<(&str, bool)> = results
            .iter()
            .map(|r| (r.name.as_str(), r.passed))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("test_double", true),
                ("test_wrong", false),
                ("test_error", false)
            ]
        );
        assert_eq!(results[0].package, "mamlint.custom.t");
    }

    #[test]
    #[cfg(feature = "rego-memory-bound")]
    fn a_test_past_the_memory_bound_fails_with_the_bound_in_its_error() {
        // 20,000 strings of 16 KiB each, about 320 MB, built by a comprehension.
        let text = "package mamlint.custom.t\n\ntest_hog if {\n\tchunk := concat(\"\", [\"0123456789abcdef\" | some _ in numbers.range(1, 1024)])\n\tcopies := [concat(\"\", [chunk, format_int(x, 10)]) | some x in numbers.range(1, 20000)]\n\tcount(copies) > 0\n}\n";
        let rules = CustomRules {
            files: vec![super::super::parse("t.rego".to_owned(), text.to_owned())],
            timeout: std::time::Duration::from_secs(60),
            memory: 64 << 20,
            errors: Vec::new(),
        };
        let results = run(&rules);
        assert_eq!(results.len(), 1);
        assert!(!results[0].passed);
        let error = results[0].error.as_deref().unwrap_or("");
        assert!(error.contains("execution exceeded memory limit"), "{error}");
    }
}
