//! `tendlc rebuild`: rebuilds read models from the events while `serve` keeps answering (see
//! `tendlc_projections::rebuild`), with progress on the terminal. Ctrl-C stops after the
//! current batch; running it again goes on where it stopped.
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use secrecy::ExposeSecret;
use sqlx::postgres::PgConnectOptions;
use tendlc_projections::rebuild::{shadow_pool, Rebuild, Switched};

/// What to rebuild.
#[derive(Debug, clap::Args)]
pub struct RebuildArgs {
    /// The read models to rebuild (as `tendlc projections status` names them).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    names: Vec<String>,
    /// Rebuild every read model.
    #[arg(long)]
    all: bool,
    /// Start over instead of going on from an interrupted rebuild.
    #[arg(long)]
    fresh: bool,
    /// Events per transaction.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(i64).range(1..=100_000))]
    batch_size: i64,
}

pub async fn run(args: RebuildArgs) -> anyhow::Result<()> {
    let url = crate::config::database_url();
    let live = tendlc_adapters::db::connect(url.expose_secret(), 2).await?;
    let shadow = shadow_pool(PgConnectOptions::from_str(url.expose_secret())?).await?;
    let known = tendlc_projections::all();
    let chosen: Vec<_> = if args.all {
        known
            .into_iter()
            .filter(|p| !p.tables().is_empty())
            .collect()
    } else {
        let mut chosen = Vec::new();
        for name in &args.names {
            let projection = known
                .iter()
                .find(|p| p.name() == name)
                .cloned()
                .ok_or_else(|| {
                    let names: Vec<&str> = known.iter().map(|p| p.name()).collect();
                    anyhow::anyhow!(
                        "no read model is called {name}; there are {}",
                        names.join(", ")
                    )
                })?;
            chosen.push(projection);
        }
        chosen
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let interrupted = interrupted.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::SeqCst);
            }
        });
    }
    let mut all_match = true;
    for projection in chosen {
        let rebuild = Rebuild::new(live.clone(), shadow.clone(), projection, args.batch_size)?;
        let switched = build(&rebuild, args.fresh, &interrupted).await?;
        let Some(switched) = switched else {
            println!(
                "{}: interrupted; what is built is kept — run `tendlc rebuild {}` again to go on",
                rebuild.name(),
                rebuild.name()
            );
            std::process::exit(130);
        };
        all_match &= switched.matches();
        report(rebuild.name(), &switched);
    }
    if !all_match {
        println!(
            "the rebuilt tables differ from the live ones they replaced: the live ones did not \
             reflect the events (a fixed projection, or rows changed outside it)"
        );
    }
    Ok(())
}

/// Builds to the head with progress, then switches; `None` when interrupted first.
async fn build(
    rebuild: &Rebuild,
    fresh: bool,
    interrupted: &AtomicBool,
) -> anyhow::Result<Option<Switched>> {
    let from = rebuild.prepare(fresh).await?;
    let total = rebuild.events_after(&from).await?.max(0) as u64;
    if from.global_position > 0 {
        println!(
            "{}: going on from position {} ({total} events to go)",
            rebuild.name(),
            from.global_position
        );
    }
    let bar = progress_bar(rebuild.name(), total);
    let started = Instant::now();
    let mut done: u64 = 0;
    loop {
        if interrupted.load(Ordering::SeqCst) {
            bar.abandon();
            return Ok(None);
        }
        let applied = rebuild.step().await?;
        if applied == 0 {
            break;
        }
        done += applied as u64;
        if done > bar.length().unwrap_or(0) {
            bar.set_length(done);
        }
        bar.set_position(done);
        if !bar.is_hidden() {
            continue;
        }
        // Not a terminal: a line now and then instead of a bar.
        if done % 50_000 < applied as u64 {
            println!("{}: {done} of {total} events", rebuild.name());
        }
    }
    bar.finish_and_clear();
    let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-3);
    println!(
        "{}: {done} events applied in {:.1} s ({rate:.0} events/s); indexing",
        rebuild.name(),
        started.elapsed().as_secs_f64()
    );
    let indexing = std::time::Instant::now();
    rebuild.index().await?;
    println!(
        "{}: indexed in {:.1} s; switching",
        rebuild.name(),
        indexing.elapsed().as_secs_f64()
    );
    Ok(Some(rebuild.switch().await?))
}

fn progress_bar(name: &str, total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} events, {per_sec}, ETA {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_prefix(name.to_string());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn report(name: &str, switched: &Switched) {
    println!(
        "{name}: switched at position {}; rebuilt and live tables {}",
        switched.position,
        if switched.matches() {
            "match"
        } else {
            "DIFFER"
        }
    );
    for table in &switched.tables {
        println!(
            "  {}: live {} rows, rebuilt {} rows, checksums {} ({} / {})",
            table.table,
            table.live_rows,
            table.rebuilt_rows,
            if table.live_checksum == table.rebuilt_checksum {
                "equal"
            } else {
                "differ"
            },
            short(&table.live_checksum),
            short(&table.rebuilt_checksum),
        );
    }
}

fn short(checksum: &str) -> &str {
    &checksum[..checksum.len().min(12)]
}
