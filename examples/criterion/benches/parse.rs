//! Parsing a workflow-like template.

mod common;

use criterion::{black_box, Criterion};

/// 50 steps with three placeholders each, with filters and defaults: about 5 KB.
fn workflow_source() -> String {
    (0..50)
        .map(|i| {
            format!(
                "step {i}: run {{{{ steps.{i}.command | trim }}}} in {{{{ steps.{i}.dir ?? \".\" }}}} \
                 as {{{{ user.name | lower }}}}\n"
            )
        })
        .collect()
}

fn parse(c: &mut Criterion) {
    let source = workflow_source();
    let mut group = c.benchmark_group("parse");
    group.bench_function("workflow", |b| {
        b.iter(|| tinytmpl::parse(black_box(&source)).unwrap())
    });
    group.finish();
}

fn main() {
    parse(&mut common::criterion());
}
