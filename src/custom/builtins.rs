//! Replacements for regorus built-ins that reserve their whole result before the
//! interpreter's memory checks run (`Vec::with_capacity` in `numbers.range`): asked for 1e15
//! numbers they abort the process instead of failing. Registered as extensions, which regorus
//! looks up before its built-ins; [`eval::engine`](super::eval::engine) adds them to every
//! engine. Semantics are OPA's: both ends included, descending when the first is larger.

use regorus::{Engine, Value};

/// Bytes a number of a range costs, at least: the budget divided by this is the most numbers a
/// range may hold.
const BYTES_PER_NUMBER: u64 = 32;

/// Adds `numbers.range` and `numbers.range_step` that refuse a result past `memory` bytes.
pub(crate) fn add(engine: &mut Engine, memory: u64) {
    let most = memory / BYTES_PER_NUMBER;
    // Adding fails only for a name added twice; each engine is new.
    let _ = engine.add_extension(
        "numbers.range".to_owned(),
        2,
        Box::new(move |args: Vec<Value>| range("numbers.range", &args, 1, most)),
    );
    let _ = engine.add_extension(
        "numbers.range_step".to_owned(),
        3,
        Box::new(move |args: Vec<Value>| {
            let step = integer("numbers.range_step", args.get(2))?;
            if step <= 0 {
                anyhow::bail!("numbers.range_step: step must be a positive integer");
            }
            range("numbers.range_step", &args, step.unsigned_abs(), most)
        }),
    );
}

fn integer(name: &str, value: Option<&Value>) -> anyhow::Result<i64> {
    value
        .and_then(|v| v.as_i64().ok())
        .ok_or_else(|| anyhow::anyhow!("{name}: operands must be integers"))
}

fn range(name: &str, args: &[Value], step: u64, most: u64) -> anyhow::Result<Value> {
    let from = integer(name, args.first())?;
    let to = integer(name, args.get(1))?;
    let count = from.abs_diff(to) / step + 1;
    if count > most {
        anyhow::bail!(
            "{name}: {count} numbers would pass the memory bound of custom rules (`[custom-rules] memory`)"
        );
    }
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let values: Vec<Value> = if from <= to {
        std::iter::successors(Some(from), |n| n.checked_add(step).filter(|n| *n <= to))
            .map(Value::from)
            .collect()
    } else {
        std::iter::successors(Some(from), |n| n.checked_sub(step).filter(|n| *n >= to))
            .map(Value::from)
            .collect()
    };
    Ok(Value::from(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(value: &Value) -> Vec<i64> {
        value
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_i64().ok()).collect())
            .unwrap_or_default()
    }

    fn eval(query: &str, memory: u64) -> anyhow::Result<Value> {
        let mut engine = Engine::new();
        add(&mut engine, memory);
        engine.add_policy("t.rego".to_owned(), format!("package t\n\nx := {query}\n"))?;
        engine.eval_rule("data.t.x".to_owned())
    }

    #[test]
    fn ranges_are_opas() {
        let range = |q: &str| eval(q, 1 << 20).map(|v| numbers(&v)).unwrap_or_default();
        assert_eq!(range("numbers.range(1, 4)"), [1, 2, 3, 4]);
        assert_eq!(range("numbers.range(3, 1)"), [3, 2, 1]);
        assert_eq!(range("numbers.range(2, 2)"), [2]);
        assert_eq!(range("numbers.range_step(0, 10, 4)"), [0, 4, 8]);
        assert_eq!(range("numbers.range_step(10, 0, 5)"), [10, 5, 0]);
    }

    #[test]
    fn a_range_past_the_bound_is_an_error_not_an_abort() {
        let error = eval("numbers.range(1, 1e15)", 1 << 30)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            error.contains("numbers would pass the memory bound"),
            "{error}"
        );
        let error = eval("numbers.range_step(1, 10, 0)", 1 << 30)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(error.contains("step must be a positive integer"), "{error}");
    }
}
