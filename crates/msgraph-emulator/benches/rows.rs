//! Generation speed of log rows and call records (no network).
// criterion_group! defines a `pub fn` that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use msgraph_emulator::data::logs::write_log_row;
use msgraph_emulator::json::{Arr, Opts};
use msgraph_emulator::{ApiVersion, EmulatorConfig, LogKind};

fn rows(c: &mut Criterion) {
    let config = EmulatorConfig::default();
    let mut g = c.benchmark_group("log_rows");
    g.throughput(Throughput::Elements(1000));
    for kind in [
        LogKind::PstnCalls,
        LogKind::DirectRoutingCalls,
        LogKind::SmsLog,
    ] {
        g.bench_function(kind.function_name(), |b| {
            let mut buf = Vec::with_capacity(1 << 20);
            b.iter(|| {
                buf.clear();
                Arr::write(&mut buf, Opts::default(), |a| {
                    for i in 0..1000 {
                        a.obj(|o| write_log_row(&config, kind, ApiVersion::V1, i, o));
                    }
                });
                buf.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, rows);
criterion_main!(benches);
