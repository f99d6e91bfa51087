//! `licet`: the issuer and support tool for licet offline licenses.

fn main() -> std::process::ExitCode {
    licet_issuer::run()
}
