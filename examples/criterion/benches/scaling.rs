//! Rendering one template per work item, over 10, 100 and 1,000 items.

mod common;

use criterion::{BenchmarkId, Criterion};
use tinytmpl::Context;

fn scaling(c: &mut Criterion) {
    let template =
        tinytmpl::parse("process {{ item.path }} ({{ item.kind | upper }}) -> {{ out ?? \"-\" }}")
            .unwrap();
    let mut group = c.benchmark_group("scaling");
    for n in [10, 100, 1_000] {
        let items: Vec<Context> = (0..n)
            .map(|i| {
                let mut item = Context::new();
                item.insert("item.path".to_string(), format!("src/module_{i}.rs"));
                item.insert("item.kind".to_string(), "source".to_string());
                item
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("items", n), &items, |b, items| {
            b.iter(|| {
                items
                    .iter()
                    .map(|item| template.render(item).unwrap())
                    .collect::<Vec<_>>()
            })
        });
    }
    group.finish();
}

fn main() {
    scaling(&mut common::criterion());
}
