#!/usr/bin/env bash
# Runs tendlc locally: Postgres (started, or installed, if none is running), the TCR simulator
# and the API, then prints the console's address with a sign-in token, and a curl line to register a
# brand. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-postgres.sh

state=.tendlc
mkdir -p "$state"
random() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# Local secrets, made once and kept out of git (.tendlc/ is ignored).
if [[ ! -f $state/dev.env ]]; then
    umask 077
    {
        echo "TENDLC_JWT_SECRET=$(random 32)"
        echo "TCR_API_KEY=sim-$(random 8)"
        echo "TCR_API_SECRET=$(random 24)"
    } >"$state/dev.env"
fi
set -a
# shellcheck source=/dev/null
source "$state/dev.env"
DATABASE_URL="${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/tendlc}"
TENDLC_LISTEN="${TENDLC_LISTEN:-127.0.0.1:8080}"
SIM_LISTEN="${TENDLC_SIM_LISTEN:-127.0.0.1:8081}"
TCR_BASE_URL="${TCR_BASE_URL:-http://$SIM_LISTEN/v2}"
TENDLC_LOG_FORMAT="${TENDLC_LOG_FORMAT:-json}"
# The simulator runs here, so the webhook URLs it is given are loopback ones.
TENDLC_WEBHOOK_ALLOW_LOOPBACK="${TENDLC_WEBHOOK_ALLOW_LOOPBACK:-true}"
# Notification mails go to files here unless another sender is configured (README, Notifications).
TENDLC_MAIL_SENDER="${TENDLC_MAIL_SENDER:-outbox}"
TENDLC_MAIL_OUTBOX_DIR="${TENDLC_MAIL_OUTBOX_DIR:-$PWD/$state/outbox}"
set +a

echo "building tendlc…" >&2
cargo build --quiet --bin tendlc
bin=target/debug/tendlc

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Short simulated TCR and carrier delays, so a demo sees every step within a minute.
delay="${TENDLC_SIM_SCORING_DELAY:-20}"
"$bin" tcr-sim --listen "$SIM_LISTEN" --scoring-delay-secs "$delay" \
    --campaign-review-delay-secs "$delay" --vetting-delay-secs "$delay" \
    --sharing-delay-secs "$delay" --appeal-delay-secs "$delay" --partner-campaigns 2 \
    >"$state/tcr-sim.log" 2>&1 &
pids+=($!)
"$bin" serve >"$state/tendlc.log" 2>&1 &
pids+=($!)

base="http://$TENDLC_LISTEN"
for _ in $(seq 1 100); do
    curl -fsS "$base/health" >/dev/null 2>&1 && break
    if ! kill -0 "${pids[1]}" 2>/dev/null; then
        echo "tendlc serve exited; see $state/tendlc.log:" >&2
        tail -n 20 "$state/tendlc.log" >&2
        exit 1
    fi
    sleep 0.2
done

# A demo customer to act for (already there on later runs: 409 is fine).
operator=$("$bin" token --role superadmin --subject operator)
curl -sS -o /dev/null -X POST "$base/v1/customers" -H "Authorization: Bearer $operator" \
    -H 'Content-Type: application/json' \
    -d '{"ban":"DEMO-001","name":"Demo Customer","serviceTier":"SMALL","notificationEmails":["ops@example.com"]}'
token=$("$bin" token --role customer_admin --ban DEMO-001 --subject demo-admin)

cat <<EOF2

tendlc is running at $base  (TCR simulator at http://$SIM_LISTEN/v2, Postgres at ${DATABASE_URL##*@})

Console: open $base/ in a browser and sign in with this operator token (valid 12 h); search
"DEMO" to act for the demo customer, register a brand and watch it turn VERIFIED live:
$operator

Logs: $state/tendlc.log and $state/tcr-sim.log.  Ctrl-C stops everything.
$(if [[ $TENDLC_MAIL_SENDER == outbox ]]; then
    echo "Mails: the demo customer's notifications (to ops@example.com) land as one .eml file each in"
    echo "       $TENDLC_MAIL_OUTBOX_DIR   (ls it; GET $base/v1/notifications lists them)"
else
    echo "Mails: sent with $TENDLC_MAIL_SENDER; GET $base/v1/notifications lists them"
fi)

A token for the demo customer's admin (valid 12 h; it signs in to the console too):
export TOKEN=$token

Register a brand:
curl -sS -X POST $base/v1/messaging/brands -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
  -d '{"entityType":"PRIVATE_PROFIT","displayName":"Acme Widgets","companyName":"Acme Widgets LLC","ein":"12-3456789","phone":"+12025550123","street":"123 Main St","city":"Springfield","state":"IL","postalCode":"62701","country":"US","email":"support@acmewidgets.com","website":"https://acmewidgets.com","vertical":"RETAIL"}'

List brands:
curl -sS $base/v1/messaging/brands -H "Authorization: Bearer \$TOKEN"

Once TCR has verified the brand (about $delay s), its mail is in the outbox:
ls $TENDLC_MAIL_OUTBOX_DIR; curl -sS $base/v1/notifications -H "Authorization: Bearer \$TOKEN"

Once the brand is VERIFIED (about $delay s), register a campaign for it (README.md, "Campaigns"):
curl -sS -X POST $base/v1/messaging/campaigns -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
  -d '{"brandId":"<brand id>","usecase":"2FA","description":"One-time passcodes for Acme Widgets customers signing in.","messageFlow":"Customers enter their mobile number when signing up at acmewidgets.com and confirm it.","sample1":"Your Acme Widgets code is 123456. Reply STOP to opt out.","sample2":"Acme Widgets: use 654321 to sign in. Reply HELP for help.","subscriberOptin":true,"optinKeywords":"START","optinMessage":"Acme Widgets: you will receive sign-in codes by text. Reply STOP to opt out.","subscriberOptout":true,"optoutKeywords":"STOP","optoutMessage":"You will no longer receive Acme Widgets sign-in codes by text.","subscriberHelp":true,"helpKeywords":"HELP","helpMessage":"Acme Widgets codes: email support@acmewidgets.com for help."}'

More tokens: set -a; . $state/dev.env; set +a; $bin token --role superadmin   (see README.md)
EOF2

wait "${pids[1]}"
