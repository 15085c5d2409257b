//! Rendering a template against a large context.

mod common;

use criterion::{black_box, Criterion};
use tinytmpl::Context;

fn interpolate(c: &mut Criterion) {
    // 1,000 placeholders, half of them filtered, over a context of 5,000 variables.
    let context: Context = (0..5_000)
        .map(|i| (format!("var.{i}"), format!("value number {i}")))
        .collect();
    let source: String = (0..500)
        .map(|i| {
            format!(
                "{{{{ var.{} }}}} and {{{{ var.{} | upper }}}}; ",
                i * 7,
                i * 9 + 1
            )
        })
        .collect();
    let template = tinytmpl::parse(&source).unwrap();
    let mut group = c.benchmark_group("interpolate");
    group.bench_function("large_context", |b| {
        b.iter(|| template.render(black_box(&context)).unwrap())
    });
    group.finish();
}

fn main() {
    interpolate(&mut common::criterion());
}
