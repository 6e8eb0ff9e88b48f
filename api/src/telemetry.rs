//! JSON logs (or readable ones for a terminal), filtered by `TENDLC_LOG`.
use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_env("TENDLC_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let pretty = std::env::var("TENDLC_LOG_FORMAT").is_ok_and(|f| f == "pretty");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if pretty {
        builder.try_init()
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init()
    };
    // A second init (tests start several apps in one process) keeps the first subscriber.
    let _ = result;
}
