//! Command-line definitions. Completions and the man page are generated
//! from these same definitions (`licet completions`, `licet man`).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Offline licenses for building-intercom networks: mint signed license
/// chains, inspect them, and verify them as a panel would.
#[derive(Debug, Parser)]
#[command(name = "licet", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The ledger (default: $LICET_LEDGER, else $XDG_DATA_HOME/licet/ledger.sqlite).
    #[arg(long, global = true, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Whether the command writes JSON: its errors are then JSON on
    /// standard output too (besides `error:` / `hint:` on standard error).
    pub fn wants_json(&self) -> bool {
        match &self.command {
            Command::Inspect(a) => a.json,
            Command::Verify(a) => a.json,
            Command::Usage(a) => a.table.json,
            Command::Issue(a) => a.json,
            Command::Ledger(LedgerCommand::List(a)) => a.table.json,
            Command::Remind(a) => a.json,
            _ => false,
        }
    }
}

// Parsed once per run: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate and export signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Mint a license: a new link signed with your key, appended to your parent license.
    Issue(IssueArgs),
    /// Show what a license file says and what is wrong with it (no keys needed).
    Inspect(InspectArgs),
    /// Verify a license as a panel would: exit 0 valid, 1 rejected, 2 usage or I/O error.
    Verify(VerifyArgs),
    /// Build and verify a whole example hierarchy, printing every command it runs.
    Demo(DemoArgs),
    /// Show, per license a group holds and per quota: limit, allocated to children, remaining, expiry.
    Usage(UsageArgs),
    /// List licenses expiring soon, recording what was reminded so each reminder goes out once per period.
    Remind(RemindArgs),
    /// Mark a license revoked in the ledger; it stops counting against its parent's allocation.
    Revoke(RevokeArgs),
    /// Ledger maintenance.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// List the plans `licet issue --plan` can use.
    Plans(PlansArgs),
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page licet(1) (roff), or write every page (licet-issue(1), …) into a folder.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write licet.1 and a page per subcommand (licet-issue.1, licet-ledger-list.1, …) into this folder.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate an Ed25519 key pair: STEM.key (secret, PKCS#8) and STEM.pub (public, SPKI).
    Generate(KeyGenerateArgs),
    /// Print a public key as a constant to paste into firmware as a trust root.
    Export(KeyExportArgs),
}

#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// Read the passphrase from this file (first line). Else LICET_PASSPHRASE, else a prompt.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// Path stem: writes STEM.key and STEM.pub.
    #[arg(long, value_name = "STEM")]
    pub out: PathBuf,
    /// Store the secret key without a passphrase.
    #[arg(long)]
    pub unencrypted: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    /// Replace existing key files (the old key is lost).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormatArg {
    Hex,
    Rust,
    C,
}

#[derive(Debug, Args)]
pub struct KeyExportArgs {
    /// The public key file (STEM.pub).
    pub public_key: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "hex")]
    pub format: ExportFormatArg,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TierArg {
    Trial,
    Basic,
    Plus,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Your secret key. Without --parent it is a root key; with --parent it must be the key the parent delegates to.
    #[arg(long, value_name = "K.key")]
    pub key: PathBuf,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    /// The license you mint under; the new license holds its chain plus the new link.
    #[arg(long, value_name = "P.lic")]
    pub parent: Option<PathBuf>,
    /// The vendor's root public key, to check the parent chain's root signature (repeatable). Recorded in the ledger: later runs need it no more.
    #[arg(long, value_name = "ROOT.pub", requires = "parent")]
    pub trust: Vec<PathBuf>,
    /// The group the new license is for, e.g. acme/dist-7/dealer-3.
    #[arg(
        long,
        value_name = "GROUP",
        required_unless_present = "batch",
        conflicts_with = "batch"
    )]
    pub subject: Option<String>,
    /// Start from a plan (`licet plans`); the other flags override its fields.
    #[arg(long, value_name = "NAME")]
    pub plan: Option<String>,
    /// Plans file (default: $LICET_PLANS, else $XDG_CONFIG_HOME/licet/plans.toml, over the built-in plans).
    #[arg(long, value_name = "FILE")]
    pub plans: Option<PathBuf>,
    /// Who to remind before the license expires (recorded in the ledger).
    #[arg(long, value_name = "EMAIL")]
    pub contact: Option<String>,
    /// Mint one license per row of this CSV file (needs --plan, --parent and --out-dir).
    #[arg(long, value_name = "FILE.csv", requires_all = ["plan", "parent", "out_dir"])]
    pub batch: Option<PathBuf>,
    /// Folder for the licenses of a batch.
    #[arg(long, value_name = "DIR", requires = "batch")]
    pub out_dir: Option<PathBuf>,
    /// Rows signed and recorded per ledger transaction in a batch.
    #[arg(long, value_name = "N", default_value_t = 2000, requires = "batch", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub chunk: u32,
    /// Root licenses only: the issuing group (default: the subject's first segment).
    #[arg(long, value_name = "GROUP")]
    pub issuer: Option<String>,
    /// Let the subject mint further licenses with this public key.
    #[arg(long, value_name = "CHILD.pub")]
    pub delegate: Option<PathBuf>,
    /// Tier (default: the parent's; plus for a root license).
    #[arg(long, value_enum)]
    pub tier: Option<TierArg>,
    /// Mint an add-on that enhances a base license instead of a base license.
    #[arg(long, visible_alias = "add-on")]
    pub addon: bool,
    /// A quota, NAME=N or NAME=unlimited (repeatable). Unstated quotas are inherited.
    #[arg(long = "quota", value_name = "NAME=N")]
    pub quotas: Vec<String>,
    /// Leave out a quota the plan states (repeatable): the license then states nothing for it.
    #[arg(long = "no-quota", value_name = "NAME", requires = "plan")]
    pub no_quotas: Vec<String>,
    /// A feature (repeatable). Stating any narrows the features to those stated.
    #[arg(long = "feature", value_name = "NAME")]
    pub features: Vec<String>,
    /// Extra features for a role, ROLE=F1,F2 (repeatable).
    #[arg(long = "role", value_name = "ROLE=F1,F2")]
    pub roles: Vec<String>,
    /// Bind the license to a device id (repeatable).
    #[arg(long = "device", value_name = "ID")]
    pub devices: Vec<String>,
    /// Valid from (RFC 3339, YYYY-MM-DD, now, or +N with a unit s, m, h, d, w, y); default now.
    #[arg(long, value_name = "TIME")]
    pub not_before: Option<String>,
    /// Valid until (RFC 3339, YYYY-MM-DD, or +N with a unit s, m, h, d, w, y); default no end date (or the parent's end).
    #[arg(long, value_name = "TIME")]
    pub expires: Option<String>,
    /// How many more levels the subject may mint below it (needs --delegate).
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u8>,
    /// Warn this long before expiry, e.g. 30d (default 30d).
    #[arg(long, value_name = "DURATION")]
    pub remind: Option<String>,
    /// Output file.
    #[arg(
        long,
        value_name = "OUT.lic",
        required_unless_present = "batch",
        conflicts_with = "batch"
    )]
    pub out: Option<PathBuf>,
    /// Write binary CBOR instead of the text armor.
    #[arg(long)]
    pub binary: bool,
    /// Replace OUT if it exists.
    #[arg(long)]
    pub force: bool,
    /// Print what was minted as JSON (serial, subject, file, SHA-256 of the file, …; docs/CLI.md).
    #[arg(long, conflicts_with = "batch")]
    pub json: bool,
    /// Time to use as "now" (for tests and back-dating checks).
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// License files (text or binary); with --trust and --group, also evaluated together.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Check signatures against this trusted root (repeatable).
    #[arg(long, value_name = "ROOT.pub")]
    pub trust: Vec<PathBuf>,
    /// Check the license for a device in this group.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// The panel's own id, for licenses bound to devices (with --group).
    #[arg(long, value_name = "ID", requires = "group")]
    pub device_id: Option<String>,
    /// Time to check at (default now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Machine-readable output (documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// License files the device holds (text or binary), evaluated together.
    #[arg(required_unless_present = "builtin_basic")]
    pub files: Vec<PathBuf>,
    /// Trusted root public key (repeatable, for key rotation).
    #[arg(long, value_name = "ROOT.pub", required = true)]
    pub trust: Vec<PathBuf>,
    /// The device's group.
    #[arg(long, value_name = "GROUP")]
    pub group: String,
    /// The device's id, for device-bound licenses.
    #[arg(long, value_name = "ID")]
    pub device_id: Option<String>,
    /// Time to verify at (default now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// The time floor the device persisted: a clock more than 24 hours
    /// behind it is a rollback, and the evaluation is made at the floor.
    #[arg(long, value_name = "TIME")]
    pub floor: Option<String>,
    /// The Basic entitlement the panel's firmware carries (a TOML file:
    /// quotas, features, roles); in effect whenever no license is.
    #[arg(long, value_name = "FILE")]
    pub builtin_basic: Option<PathBuf>,
    /// Machine-readable output (documented in docs/CLI.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder to build the example in (default: a new temporary folder, kept).
    #[arg(long, value_name = "D")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// The group whose licenses to show.
    pub group: String,
    /// Time to compute at (default now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    #[command(flatten)]
    pub table: TableArgs,
}

/// How a listing is written: a table for people, JSON or CSV for tools.
#[derive(Debug, Args)]
pub struct TableArgs {
    /// Machine-readable output (documented in docs/CLI.md).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV output: a header row, then one row per license (safe to open in a spreadsheet).
    #[arg(long)]
    pub csv: bool,
    /// CSV field separator: ',' (default) or ';' (spreadsheets in most European locales).
    #[arg(long, value_name = "CHAR", requires = "csv")]
    pub delimiter: Option<char>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only licenses for this group and the groups under it.
    #[arg(long, value_name = "GROUP")]
    pub under: Option<String>,
    /// Only this tier: trial, basic or plus.
    #[arg(long, value_name = "TIER")]
    pub tier: Option<String>,
    /// Only this kind: license or add-on.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Only licenses that delegate (let their holder mint), or with `--delegates no` only those that license panels.
    #[arg(long, value_name = "yes|no")]
    pub delegates: Option<String>,
    /// Only licenses that end within this long from now (e.g. 30d), not those already ended.
    #[arg(long, value_name = "DURATION")]
    pub expiring_within: Option<String>,
    /// Only licenses in this state: active, expired, not-yet-valid or revoked.
    #[arg(long, value_name = "STATE")]
    pub status: Option<String>,
    /// Only revoked licenses (the same as --status revoked).
    #[arg(long, conflicts_with = "status")]
    pub revoked: bool,
    /// Time to take "now" as (default now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    #[command(flatten)]
    pub table: TableArgs,
}

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// List licenses whose end falls within this long from now, e.g. 30d.
    #[arg(long, value_name = "DURATION", default_value = "30d")]
    pub within: String,
    /// How often to remind about the same license: once, daily, weekly, or a duration like 30d.
    #[arg(long, value_name = "WHEN", default_value = "once")]
    pub every: String,
    /// Show what would be reminded without recording it.
    #[arg(long)]
    pub dry_run: bool,
    /// Preview what would be reminded at this time; records nothing.
    #[arg(long, value_name = "TIME", conflicts_with = "now")]
    pub at: Option<String>,
    /// The time to run at and record (tests; a real run uses the clock).
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
    /// Machine-readable output.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV output (header row, then one row per reminder).
    #[arg(long)]
    pub csv: bool,
    /// CSV field separator: ',' (default) or ';' (spreadsheets in most European locales).
    #[arg(long, value_name = "CHAR", requires = "csv")]
    pub delimiter: Option<char>,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The license's serial (hex, as `licet inspect` shows it), or its license file.
    #[arg(value_name = "SERIAL|FILE")]
    pub serial: String,
    /// Why (recorded).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Revoke every license under it too (its children, theirs, ...).
    #[arg(long, conflicts_with = "undo")]
    pub cascade: bool,
    /// Take a revocation back (the reason is recorded); refused when the license no longer fits its parent's allocation.
    #[arg(long)]
    pub undo: bool,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Create a new ledger (mode 0600); every other command needs one to exist.
    Init(InitArgs),
    /// Record licenses minted elsewhere (e.g. by your dealers with their own keys), after verifying them.
    Import(ImportArgs),
    /// List the recorded licenses: who holds what, until when (filters; table, CSV or JSON).
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The vendor's root public key: parent chains are checked against it (repeatable).
    #[arg(long, value_name = "ROOT.pub")]
    pub trust: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// License files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Trusted root public key (repeatable).
    #[arg(long, value_name = "ROOT.pub", required = true)]
    pub trust: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PlansArgs {
    /// Plans file (default: $LICET_PLANS, else $XDG_CONFIG_HOME/licet/plans.toml, over the built-in plans).
    #[arg(long, value_name = "FILE")]
    pub plans: Option<PathBuf>,
}
