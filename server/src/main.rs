fn main() {
    std::process::exit(smaqit_ls::cli::main());
}
