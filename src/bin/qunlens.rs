//! `qunlens`: the native command line. Prints the same report JSON as the page.
//!
//! ```text
//! qunlens analyze [--config FILE] [--compact] FILE_OR_DIR...   > report.json
//! qunlens sample --out DIR [--messages N] [--groups N] [--people N] [--benchmark [--whatsapp|--wecom]]
//! qunlens floor FILE...                                         (benchmark floor)
//! ```

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use qunlens::sample::{self, SampleSpec};
use qunlens::{Analyzer, Config};

const USAGE: &str = "usage:
  qunlens analyze [--config FILE] [--compact] FILE_OR_DIR...   print the report JSON
  qunlens sample --out DIR [--messages N] [--groups N] [--people N] [--benchmark [--whatsapp|--wecom]]
                                                            write the sample exports
                                                            (--groups, --people: WeChat groups
                                                            and the people they draw from, e.g.
                                                            779 and 190000, a year's field
                                                            numbers)
                                                            (--whatsapp, --wecom: the benchmark
                                                            as a WhatsApp .txt or a WeCom
                                                            archive .jsonl instead of a CSV)
  qunlens floor FILE...                                     benchmark floor: read, decode and
                                                            split into records, no analysis

A directory is read recursively. Per-file problems are reported in the report's
`inputs` section (and summarised on stderr); they do not stop the other files.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("analyze") => analyze(&args[1..]),
        Some("sample") => write_sample(&args[1..]),
        Some("floor") => floor(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qunlens: {e}");
            ExitCode::from(2)
        }
    }
}

fn analyze(args: &[String]) -> Result<(), String> {
    let mut config = Config::default();
    let mut compact = false;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--config" => {
                let file = it.next().ok_or("--config needs a file")?;
                let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
                config = Config::from_json(&text).map_err(|e| format!("{file}: {e}"))?;
            }
            "--compact" => compact = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            path => collect(Path::new(path), &mut paths)?,
        }
    }
    if paths.is_empty() {
        return Err(format!("no input files\n{USAGE}"));
    }
    // Chunked exports' manifests first: they say which chat each chunk file belongs to.
    let mut manifests = Vec::new();
    for path in paths.iter().filter(|p| qunlens::ingest::qq_nt_chunks::is_manifest_name(&p.to_string_lossy())) {
        manifests.push(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let new_analyzer = || -> Result<Analyzer, String> {
        let mut a = Analyzer::new(config.clone())?;
        for manifest in &manifests {
            a.add_chunk_manifest(manifest);
        }
        Ok(a)
    };
    let mut analyzer = new_analyzer()?;
    // One large file is read by every core (the rest of the machine would idle otherwise).
    let readers = std::thread::available_parallelism().map_or(1, |n| n.get()).saturating_sub(1).min(7);
    let mut smaller = Vec::new();
    for path in &paths {
        let size = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
        if readers > 0 && size >= PIECES_MIN_BYTES {
            analyzer.add_file_in_pieces(&path.to_string_lossy(), size, readers, |offset, sink| read_from(path, offset, sink))?;
        } else {
            smaller.push((path.as_path(), size));
        }
    }
    // Many smaller files (a folder of exports, a chunked export): read side by side.
    let shares = shares(smaller, if readers > 0 { readers + 1 } else { 1 });
    if shares.len() == 1 {
        read_files(&mut analyzer, &shares[0])?;
    } else {
        let partials = std::thread::scope(|scope| {
            let handles: Vec<_> = shares
                .iter()
                .map(|share| {
                    scope.spawn(|| -> Result<Vec<u8>, String> {
                        let mut reader = new_analyzer()?;
                        read_files(&mut reader, share)?;
                        Ok(reader.take_partial().runs()?.to_vec())
                    })
                })
                .collect();
            // A reader thread's panic is a bug: re-raised here as if it had happened here.
            handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect::<Vec<_>>() // ok: re-raises a bug's panic
        });
        for (share, partial) in shares.iter().zip(partials) {
            // A share that would pass a cap of config `limits` together with the others is
            // refused whole: read here, where reading stops at the cap.
            if !analyzer.absorb(&partial?)? {
                read_files(&mut analyzer, share)?;
            }
        }
    }
    let report = analyzer.report();
    for input in &report.inputs {
        match &input.error {
            Some(err) => eprintln!("{}: {err}", input.file),
            None => eprintln!(
                "{}: {} {}, {} rows, {} messages, {} skipped",
                input.file,
                input.format.as_deref().unwrap_or("?"),
                input.encoding.as_deref().unwrap_or("?"),
                input.rows,
                input.messages,
                input.skipped_count
            ),
        }
    }
    let json = if compact { report.to_json() } else { report.to_json_pretty() };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{json}").map_err(|e| e.to_string())
}

/// Files at least this large are read in parallel pieces.
const PIECES_MIN_BYTES: u64 = 32 << 20;
/// Below this many bytes in all, smaller files are read by one thread: starting more would cost
/// more than it gains (the page's worker does the same).
const PARALLEL_MIN_BYTES: u64 = 4 << 20;

/// `files` shared out to at most `threads` readers, the largest first to the least loaded: one
/// share when there are too few bytes (or files) to be worth more threads.
fn shares(mut files: Vec<(&Path, u64)>, threads: usize) -> Vec<Vec<(&Path, u64)>> {
    let total: u64 = files.iter().map(|f| f.1).sum();
    let threads = threads.min(files.len());
    if threads < 2 || total < PARALLEL_MIN_BYTES {
        return vec![files];
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.1));
    let mut shares: Vec<(u64, Vec<(&Path, u64)>)> = vec![(0, Vec::new()); threads];
    for file in files {
        let lightest = shares.iter_mut().min_by_key(|s| s.0).expect("threads ≥ 2"); // ok: at least two shares
        lightest.0 += file.1;
        lightest.1.push(file);
    }
    shares.into_iter().map(|s| s.1).collect()
}

/// Reads each file of `share` whole, in 1 MiB chunks.
fn read_files(analyzer: &mut Analyzer, share: &[(&Path, u64)]) -> Result<(), String> {
    for &(path, size) in share {
        analyzer.begin_file(&path.to_string_lossy());
        analyzer.expect_bytes(size);
        read_chunks(path, |chunk| analyzer.push(chunk))?;
        analyzer.end_file();
    }
    Ok(())
}

/// Feeds `path` from byte `offset` on to `sink` in 1 MiB chunks until it returns false.
fn read_from(path: &Path, offset: u64, sink: &mut dyn FnMut(&[u8]) -> bool) -> Result<(), String> {
    use std::io::{Seek, SeekFrom};
    let name = path.to_string_lossy();
    let mut file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
    file.seek(SeekFrom::Start(offset)).map_err(|e| format!("{name}: {e}"))?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| format!("{name}: {e}"))?;
        if n == 0 || !sink(&buf[..n]) {
            return Ok(());
        }
    }
}

/// Reads `path` in 1 MiB chunks (memory holds one chunk, never the file).
fn read_chunks(path: &Path, mut on_chunk: impl FnMut(&[u8])) -> Result<(), String> {
    read_from(path, 0, &mut |chunk| {
        on_chunk(chunk);
        true
    })
}

/// The benchmark floor: the same reading and decoding, split into CSV records (`.csv`) or
/// lines, nothing analysed. Prints the record count.
fn floor(args: &[String]) -> Result<(), String> {
    let mut records = 0;
    for path in args {
        let path = Path::new(path);
        let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let mut counter = qunlens::ingest::RecordCounter::new(csv);
        read_chunks(path, |chunk| counter.push(chunk))?;
        records += counter.finish();
    }
    println!("{records}");
    Ok(())
}

/// Files under `path` (recursively, sorted, hidden files skipped).
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    entries.sort();
    for entry in entries {
        collect(&entry, out)?;
    }
    Ok(())
}

/// The number after `flag`.
fn count(flag: &str, value: Option<&String>) -> Result<usize, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a number"))?;
    value.parse().map_err(|_| format!("{flag}: not a number: {value}"))
}

fn write_sample(args: &[String]) -> Result<(), String> {
    let mut out_dir = None;
    let mut messages = None;
    let mut groups = None;
    let mut people = None;
    let mut benchmark = false;
    let mut whatsapp = false;
    let mut wecom = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out_dir = Some(PathBuf::from(it.next().ok_or("--out needs a directory")?)),
            "--messages" => messages = Some(count(a, it.next())?),
            "--groups" => groups = Some(count(a, it.next())?),
            "--people" => people = Some(count(a, it.next())?),
            "--benchmark" => benchmark = true,
            "--whatsapp" => whatsapp = true,
            "--wecom" => wecom = true,
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let dir = out_dir.ok_or_else(|| format!("--out DIR is required\n{USAGE}"))?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if (whatsapp || wecom) && !benchmark {
        return Err(format!("--whatsapp and --wecom go with --benchmark\n{USAGE}"));
    }
    if whatsapp && wecom {
        return Err(format!("--whatsapp or --wecom, not both\n{USAGE}"));
    }
    if benchmark && (groups.is_some() || people.is_some()) {
        return Err(format!("--groups and --people go without --benchmark (one group, a fixed pool)\n{USAGE}"));
    }
    let files = if benchmark && whatsapp {
        let n = messages.unwrap_or(1_000_000);
        let mut bytes = Vec::new();
        sample::write_whatsapp_benchmark(n, &mut bytes);
        vec![sample::SampleFile { name: format!("benchmark_{n}_whatsapp.txt"), bytes }]
    } else if benchmark && wecom {
        let n = messages.unwrap_or(1_000_000);
        let mut bytes = Vec::new();
        sample::write_wecom_benchmark(n, &mut bytes);
        vec![sample::SampleFile { name: format!("benchmark_{n}_wecom.jsonl"), bytes }]
    } else if benchmark {
        let spec = SampleSpec::benchmark(messages.unwrap_or(1_000_000));
        let mut bytes = Vec::new();
        sample::write_benchmark_csv(&spec, &mut bytes);
        vec![sample::SampleFile { name: format!("benchmark_{}_utf8.csv", spec.messages), bytes }]
    } else {
        let mut spec = SampleSpec::default();
        spec.messages = messages.unwrap_or(spec.messages);
        spec.wechat_groups = groups.unwrap_or(spec.wechat_groups).max(1);
        spec.people = people.unwrap_or(spec.people);
        sample::generate(&spec)
    };
    for f in files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {} ({} bytes)", path.display(), f.bytes.len());
    }
    Ok(())
}
