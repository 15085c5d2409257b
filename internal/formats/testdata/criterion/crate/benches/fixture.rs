// Benchmarks whose names exercise the conversion: a space, a "-8" ending that the Go format
// would read as GOMAXPROCS, a group with parameters, and a byte throughput.
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::time::Duration;

fn fib(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

fn benches(c: &mut Criterion) {
    c.bench_function("fib 15", |b| b.iter(|| fib(black_box(15))));
    c.bench_function("sort-8", |b| {
        b.iter(|| {
            let mut v = black_box([8u32, 3, 5, 1, 7, 2, 6, 4]);
            v.sort();
            v
        })
    });
    let mut group = c.benchmark_group("sum");
    for size in [64usize, 1024] {
        let data = vec![1u8; size];
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("bytes", size), &data, |b, d| {
            b.iter(|| d.iter().map(|&x| x as u64).sum::<u64>())
        });
    }
    group.finish();
}

criterion_group! {
    name = fixture;
    // Few samples, briefly: the fixture is about the files' shape, not precise numbers.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_millis(300));
    targets = benches
}
criterion_main!(fixture);
