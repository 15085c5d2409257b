//! Building a large structure and dropping it.

mod common;

use criterion::{black_box, Criterion};
use tinytmpl::Context;

fn memory(c: &mut Criterion) {
    // A context of 20,000 variables: 40,000 strings and a table grown to 20,000 entries,
    // allocated and freed in each iteration.
    let mut group = c.benchmark_group("memory");
    group.bench_function("build_drop_context", |b| {
        b.iter(|| {
            let context: Context = (0..black_box(20_000))
                .map(|i| (format!("var.{i}"), format!("value number {i}")))
                .collect();
            drop(black_box(context));
        })
    });
    group.finish();
}

fn main() {
    memory(&mut common::criterion());
}
