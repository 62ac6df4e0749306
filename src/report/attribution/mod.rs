//! The `attribution` section: leads and revenue credited to groups, SDRs (inviters), channels
//! and content by every model ([`crate::attribution`]), side by side.
//!
//! - **Paths.** Per dimension, a person's touches ([`touches`]) from `lookback_days` before
//!   their conversion up to it, the latest `max_touches` kept. A person who never converted is
//!   a null path (touches within the lookback before their last touch; used by Markov only).
//! - **Conversions.** A person reaching the `conversion` step (any funnel step name; default
//!   `lead`) counts once. Their revenue is the summed amount of their won CRM records,
//!   credited with the same weights. A stage with no time converts at the last touch.
//! - **Models.** `first_touch`, `last_touch`, `last_non_direct`, `linear`, `position_based`,
//!   `w_shaped`, `time_decay`, `markov`, `shapley`, and `sdr_rule` (the domain's rule, `sdr`
//!   dimension only): invited and converted by one SDR → that SDR; invited by SDR1 and
//!   converted by SDR2 → `sdr_inviter_share` to SDR1, the rest to SDR2; community-sourced
//!   (no SDR invited them) and converted by SDR2 → `community_share` to `(community)`, the
//!   rest to SDR2; nobody converting → all to the inviting SDR, else to `(community)`.

pub mod touches;

use serde::{Deserialize, Serialize};

use crate::attribution::{markov, Credit, Heuristic, Paths};
use crate::journey::{Journeys, StageTime};
use crate::model::Model;
use crate::report::funnel::Step;
use touches::{Touches, DIMENSIONS, SDR};

/// Attribution settings (config key `attribution`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttributionConfig {
    /// The funnel step that counts as a conversion.
    pub conversion: String,
    /// Touches older than this before the conversion do not count.
    pub lookback_days: u32,
    /// Touches kept per path (the latest).
    pub max_touches: u32,
    /// Position-based (U-shaped) shares of the first and last touch; the rest goes to the middle.
    pub position_first: f64,
    pub position_last: f64,
    /// W-shaped shares of the first, lead-creation and deal-creation touches.
    pub w_first: f64,
    pub w_lead: f64,
    pub w_deal: f64,
    /// Time decay half-life.
    pub half_life_days: f64,
    /// Markov chain order (1 = the next touch depends on the current one only).
    pub markov_order: u32,
    /// Include people who never converted as null paths in the Markov chain.
    pub markov_null_paths: bool,
    /// Channels the last-non-direct model passes over (case-insensitive).
    pub direct_channels: Vec<String>,
    /// SDR rule: share of the inviting SDR when another SDR converts.
    pub sdr_inviter_share: f64,
    /// SDR rule: share of community operations when nobody from sales invited the person.
    pub community_share: f64,
    /// Keys listed per dimension in `models[].credits` (the rest summed as `(other)`); 0 = all.
    pub key_limit: u32,
}

impl Default for AttributionConfig {
    fn default() -> Self {
        AttributionConfig {
            conversion: "won".into(),
            lookback_days: 180,
            max_touches: 50,
            position_first: 0.4,
            position_last: 0.4,
            w_first: 0.3,
            w_lead: 0.3,
            w_deal: 0.3,
            half_life_days: 7.0,
            markov_order: 1,
            markov_null_paths: true,
            direct_channels: ["direct", "(direct)", "(none)", "none", "join", "直接", "直接访问", "自然流量"].map(String::from).to_vec(),
            sdr_inviter_share: 0.5,
            community_share: 0.3,
            key_limit: 50,
        }
    }
}

/// Model names, in report order.
pub const MODELS: [&str; 10] = ["first_touch", "last_touch", "last_non_direct", "linear", "position_based", "w_shaped", "time_decay", "markov", "shapley", "sdr_rule"];

/// The section.
#[derive(Clone, Debug, Serialize)]
pub struct AttributionReport {
    pub settings: AttributionConfig,
    /// False when `conversion` names no funnel step (nothing converts).
    pub conversion_known: bool,
    /// People considered (as the funnel's) and how many converted, with their revenue.
    pub people: u64,
    pub conversions: u64,
    pub revenue: f64,
    /// Conversions whose stage has no time (the lookback is measured from the last touch).
    pub undated_conversions: u64,
    pub dimensions: Vec<DimensionSummary>,
    /// Every model's credits (see [`MODELS`]).
    pub models: Vec<ModelCredits>,
    /// Per key, every model's conversions and revenue side by side (in `models` order), and
    /// the spread of its conversion share between models.
    pub comparison: Vec<Comparison>,
    /// Markov removal effects per key.
    pub removal_effects: Vec<RemovalEffect>,
    /// Per SDR (and `(community)`): people invited, conversions they own in the CRM, and the
    /// SDR rule's credit.
    pub sdr: Vec<SdrRow>,
    /// Channel -> first group -> furthest stage, people per link.
    pub sankey: Sankey,
}

#[derive(Clone, Debug, Serialize)]
pub struct DimensionSummary {
    /// `group`, `sdr`, `channel` or `content`.
    pub dimension: &'static str,
    /// Paths with at least one touch, converting and not.
    pub paths: u64,
    pub converting_paths: u64,
    pub null_paths: u64,
    /// Conversions with no touch of this dimension in the lookback (credited to no key).
    pub unattributed_conversions: u64,
    pub touches: u64,
    pub keys: u64,
    pub markov_states: u64,
    pub markov_p_conversion: f64,
    /// Keys past the Markov chain's key limit, sharing one state (see `crate::attribution::markov`).
    pub markov_merged_keys: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModelCredits {
    pub name: &'static str,
    pub credits: Vec<CreditRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CreditRow {
    pub dimension: &'static str,
    /// Group id, SDR name, channel or content title/URL; `(other)` for keys past `key_limit`.
    pub key: String,
    pub label: String,
    pub conversions: f64,
    pub revenue: f64,
    /// `conversions` over the dimension's credited conversions.
    pub share: f64,
    /// `revenue` over the dimension's credited revenue.
    pub revenue_share: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub dimension: &'static str,
    pub key: String,
    pub label: String,
    /// Per model (as `models`); null where the model does not cover the dimension.
    pub conversions: Vec<Option<f64>>,
    pub revenue: Vec<Option<f64>>,
    /// Largest minus smallest conversion share over the models.
    pub spread: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct RemovalEffect {
    pub dimension: &'static str,
    pub key: String,
    pub removal_effect: f64,
    pub removal_effect_value: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SdrRow {
    pub sdr: String,
    /// People whose first inviter this SDR is.
    pub invited: u64,
    /// Converted people whose CRM owner this SDR is.
    pub owned_conversions: u64,
    /// Credit under the SDR rule.
    pub conversions: f64,
    pub revenue: f64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Sankey {
    /// `id` is `channel:<key>`, `group:<id>` or `stage:<name>`.
    pub nodes: Vec<SankeyNode>,
    pub links: Vec<SankeyLink>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SankeyNode {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SankeyLink {
    pub source: String,
    pub target: String,
    pub value: u64,
}

/// When a person converted.
#[derive(Clone, Copy, PartialEq)]
enum Converted {
    No,
    At(i64),
    Undated,
}

/// Computes the section from the journeys (touches are built on first use and cached there).
pub fn build(model: &Model, journeys: &mut Journeys, cfg: &AttributionConfig, active_min_days: u32) -> AttributionReport {
    if cfg.conversion.trim() == "question" {
        journeys.ensure_questions(model);
    }
    let touches = journeys.attribution.take().unwrap_or_else(|| Touches::build(model, journeys));
    let report = build_with(model, journeys, &touches, cfg, active_min_days);
    journeys.attribution = Some(touches);
    report
}

fn build_with(model: &Model, j: &Journeys, touches: &Touches, cfg: &AttributionConfig, active_min_days: u32) -> AttributionReport {
    let step = Step::parse(&cfg.conversion, j, active_min_days);
    let converted: Vec<Converted> = (0..j.persons.len()).map(|p| conversion_of(j, step, p)).collect();
    let lead = 0;
    let deal = j.stage_names.iter().position(|s| s == "opportunity");
    // Milestones need the stage's own time ("no later than won" does not say when a deal was
    // created).
    let stage_time = |s: Option<usize>, p: usize| match s.map(|s| j.stages[s][p]) {
        Some(StageTime::Known(t)) => t,
        _ => i64::MIN,
    };
    let milestones: Vec<[i64; 2]> = (0..j.persons.len()).map(|p| if j.stage_names.is_empty() { [i64::MIN; 2] } else { [stage_time(Some(lead), p), stage_time(deal, p)] }).collect();

    let heuristics: [Heuristic; 8] = [
        Heuristic::FirstTouch,
        Heuristic::LastTouch,
        Heuristic::LastNonDirect,
        Heuristic::Linear,
        Heuristic::PositionBased { first: cfg.position_first, last: cfg.position_last },
        Heuristic::WShaped { first: cfg.w_first, lead: cfg.w_lead, deal: cfg.w_deal },
        Heuristic::TimeDecay { half_life_s: cfg.half_life_days * 86_400.0 },
        Heuristic::Shapley,
    ];
    let mut models: Vec<ModelCredits> = MODELS.iter().map(|&name| ModelCredits { name, credits: Vec::new() }).collect();
    let mut comparison = Vec::new();
    let mut removal_effects = Vec::new();
    let mut dimensions = Vec::new();
    let mut sdr_rows = Vec::new();
    for (d, &dimension) in DIMENSIONS.iter().enumerate() {
        let dim = &touches.dims[d];
        let (mut paths, summary) = paths_of(dim, &touches.order, &converted, &j.won_value, &milestones, cfg);
        let direct: Vec<bool> = paths.keys.iter().map(|k| cfg.direct_channels.iter().any(|c| c.eq_ignore_ascii_case(k))).collect();
        let mut credits: Vec<Option<Credit>> = Vec::with_capacity(MODELS.len());
        credits.extend(heuristics[..7].iter().map(|h| Some(h.credit(&paths, &direct))));
        let chain = markov::removal_effects(&paths, cfg.markov_order.max(1) as usize, cfg.markov_null_paths);
        credits.push(Some(chain.credit.clone()));
        credits.push(Some(heuristics[7].credit(&paths, &direct)));
        if d == SDR {
            let (rule, rows) = sdr_rule(touches, &mut paths, &converted, &j.won_value, cfg);
            credits.push(Some(rule));
            sdr_rows = rows;
        } else {
            credits.push(None);
        }
        // Keys in linear-credit order; the same keys in every model.
        // Path key ids are the dimension's own (added first); `(community)` is its own label.
        let labels: Vec<String> = paths.keys.iter().enumerate().map(|(i, k)| dim.labels.get(i).cloned().unwrap_or_else(|| k.clone())).collect();
        let listed = listed_keys(&credits, cfg.key_limit as usize);
        for (m, credit) in credits.iter().enumerate() {
            let Some(credit) = credit else { continue };
            models[m].credits.extend(rows(dimension, &paths.keys, &labels, credit, &listed));
        }
        comparison.extend(compare(dimension, &paths.keys, &labels, &credits, &listed));
        removal_effects.extend((0..paths.keys.len()).filter(|&k| chain.removal_effects.get(k).is_some_and(|&r| r > 0.0)).map(|k| RemovalEffect {
            dimension,
            key: paths.keys[k].clone(),
            removal_effect: round6(chain.removal_effects[k]),
            removal_effect_value: round6(chain.removal_effects_value[k]),
        }));
        dimensions.push(DimensionSummary { dimension, markov_states: chain.states as u64, markov_p_conversion: round6(chain.p_conversion), markov_merged_keys: chain.merged_keys as u64, ..summary });
    }
    removal_effects.sort_by(|a, b| {
        let d = |x: &RemovalEffect| DIMENSIONS.iter().position(|&n| n == x.dimension);
        d(a).cmp(&d(b)).then(b.removal_effect.total_cmp(&a.removal_effect)).then_with(|| a.key.cmp(&b.key))
    });
    let conversions = converted.iter().filter(|c| **c != Converted::No).count() as u64;
    let revenue = touches.order.iter().map(|&p| p as usize).filter(|&p| converted[p] != Converted::No).map(|p| j.won_value[p]).sum::<f64>();
    AttributionReport {
        settings: cfg.clone(),
        conversion_known: step.is_some(),
        people: j.persons.len() as u64,
        conversions,
        revenue: round2(revenue),
        undated_conversions: converted.iter().filter(|c| **c == Converted::Undated).count() as u64,
        dimensions,
        models,
        comparison,
        removal_effects,
        sdr: sdr_rows,
        sankey: sankey(model, j, &touches.order),
    }
}

fn conversion_of(j: &Journeys, step: Option<Step>, p: usize) -> Converted {
    match step {
        None => Converted::No,
        Some(Step::Stage(s)) => match j.stages[s][p] {
            StageTime::NotReached => Converted::No,
            StageTime::Known(t) | StageTime::NoLaterThan(t) => Converted::At(t),
            StageTime::Undated => Converted::Undated,
        },
        Some(step) => step.occurrence(j, p, i64::MIN, i64::MAX).map_or(Converted::No, |(t, _)| Converted::At(t)),
    }
}

/// One dimension's paths under the lookback, and its counts.
fn paths_of(dim: &touches::DimensionTouches, order: &[u32], converted: &[Converted], won: &[f64], milestones: &[[i64; 2]], cfg: &AttributionConfig) -> (Paths, DimensionSummary) {
    let mut paths = Paths::default();
    let ids: Vec<u32> = dim.keys.iter().map(|k| paths.key_id(k)).collect();
    let lookback = cfg.lookback_days as i64 * 86_400;
    let max = cfg.max_touches.max(1) as usize;
    let mut s = DimensionSummary { dimension: "", paths: 0, converting_paths: 0, null_paths: 0, unattributed_conversions: 0, touches: 0, keys: 0, markov_states: 0, markov_p_conversion: 0.0, markov_merged_keys: 0 };
    let mut buf: Vec<(i64, u32)> = Vec::new();
    let mut used = vec![false; ids.len()];
    for &p in order {
        let (p, conv) = (p as usize, converted[p as usize]);
        let (times, keys) = dim.of(p);
        let end = match conv {
            Converted::At(t) => t,
            _ => times.last().copied().unwrap_or(i64::MIN),
        };
        let hi = times.partition_point(|&t| t <= end);
        let lo = times[..hi].partition_point(|&t| t < end.saturating_sub(lookback)).max(hi.saturating_sub(max));
        if lo == hi {
            if conv != Converted::No {
                s.unattributed_conversions += 1;
            }
            continue;
        }
        buf.clear();
        buf.extend((lo..hi).map(|i| (times[i], ids[keys[i] as usize])));
        for &(_, k) in &buf {
            used[k as usize] = true;
        }
        s.paths += 1;
        s.touches += buf.len() as u64;
        match conv {
            Converted::No => {
                s.null_paths += 1;
                paths.push(&buf, 0.0, 1.0, 0.0, i64::MAX, [i64::MIN; 2]);
            }
            Converted::At(t) => {
                s.converting_paths += 1;
                paths.push(&buf, 1.0, 0.0, won[p], t, milestones[p]);
            }
            Converted::Undated => {
                s.converting_paths += 1;
                paths.push(&buf, 1.0, 0.0, won[p], i64::MAX, milestones[p]);
            }
        }
    }
    s.keys = used.iter().filter(|u| **u).count() as u64;
    (paths, s)
}

/// The SDR rule's credit over the `sdr` keys (adding `(community)`), and the SDR table.
fn sdr_rule(t: &Touches, paths: &mut Paths, converted: &[Converted], won: &[f64], cfg: &AttributionConfig) -> (Credit, Vec<SdrRow>) {
    // The paths were built from these keys first, so a key's path id is its own id.
    let ids: Vec<u32> = t.dims[SDR].keys.iter().map(|k| paths.key_id(k)).collect();
    debug_assert!(ids.iter().enumerate().all(|(i, &k)| i as u32 == k));
    let community = paths.key_id("(community)");
    let n = paths.keys.len();
    let mut credit = Credit { conversions: vec![0.0; n], revenue: vec![0.0; n] };
    let mut invited = vec![0u64; n];
    let mut owned = vec![0u64; n];
    let inviter_share = cfg.sdr_inviter_share.clamp(0.0, 1.0);
    let community_share = cfg.community_share.clamp(0.0, 1.0);
    for &p in &t.order {
        let p = p as usize;
        let inviter = t.inviter[p].filter(|&k| t.is_sdr[k as usize]).map(|k| ids[k as usize]);
        if let Some(k) = t.inviter[p].map(|k| ids[k as usize]) {
            invited[k as usize] += 1;
        } else if t.converter[p].is_none() {
            continue;
        }
        if converted[p] == Converted::No {
            continue;
        }
        let converter = t.converter[p].map(|k| ids[k as usize]);
        if let Some(c) = converter {
            owned[c as usize] += 1;
        }
        let shares: [(u32, f64); 2] = match (inviter, converter) {
            (Some(a), Some(b)) if a == b => [(a, 1.0), (a, 0.0)],
            (Some(a), Some(b)) => [(a, inviter_share), (b, 1.0 - inviter_share)],
            (None, Some(b)) => [(community, community_share), (b, 1.0 - community_share)],
            (Some(a), None) => [(a, 1.0), (a, 0.0)],
            (None, None) => [(community, 1.0), (community, 0.0)],
        };
        for (k, w) in shares {
            credit.conversions[k as usize] += w;
            credit.revenue[k as usize] += w * won[p];
        }
    }
    let mut rows: Vec<SdrRow> = (0..n)
        .filter(|&k| k == community as usize || t.is_sdr.get(k).copied().unwrap_or(false))
        .filter(|&k| invited[k] + owned[k] > 0 || credit.conversions[k] > 0.0)
        .map(|k| SdrRow { sdr: paths.keys[k].clone(), invited: invited[k], owned_conversions: owned[k], conversions: round4(credit.conversions[k]), revenue: round2(credit.revenue[k]) })
        .collect();
    rows.sort_by(|a, b| b.conversions.total_cmp(&a.conversions).then(b.invited.cmp(&a.invited)).then_with(|| a.sdr.cmp(&b.sdr)));
    (credit, rows)
}

/// Keys to list: those any model credits, by linear credit (then any credit), the first
/// `limit`; the rest are summed as `(other)`.
fn listed_keys(credits: &[Option<Credit>], limit: usize) -> Vec<usize> {
    let n = credits.iter().flatten().map(|c| c.conversions.len()).max().unwrap_or(0);
    let linear = credits[3].as_ref();
    let total = |k: usize| credits.iter().flatten().map(|c| c.conversions.get(k).copied().unwrap_or(0.0) + c.revenue.get(k).copied().unwrap_or(0.0)).sum::<f64>();
    let lin = |k: usize| linear.and_then(|c| c.conversions.get(k)).copied().unwrap_or(0.0);
    let mut keys: Vec<usize> = (0..n).filter(|&k| total(k) > 0.0).collect();
    keys.sort_by(|&a, &b| lin(b).total_cmp(&lin(a)).then(total(b).total_cmp(&total(a))).then(a.cmp(&b)));
    if limit > 0 {
        keys.truncate(limit);
    }
    keys
}

fn rows(dimension: &'static str, keys: &[String], labels: &[String], credit: &Credit, listed: &[usize]) -> Vec<CreditRow> {
    let total_c: f64 = credit.conversions.iter().sum();
    let total_r: f64 = credit.revenue.iter().sum();
    let ratio = |a: f64, b: f64| if b > 0.0 { round4(a / b) } else { 0.0 };
    let row = |key: String, label: String, c: f64, r: f64| CreditRow { dimension, key, label, conversions: round4(c), revenue: round2(r), share: ratio(c, total_c), revenue_share: ratio(r, total_r) };
    let get = |v: &[f64], k: usize| v.get(k).copied().unwrap_or(0.0);
    let mut out: Vec<CreditRow> = listed.iter().map(|&k| row(keys[k].clone(), labels[k].clone(), get(&credit.conversions, k), get(&credit.revenue, k))).filter(|r| r.conversions > 0.0 || r.revenue > 0.0).collect();
    let listed_c: f64 = listed.iter().map(|&k| get(&credit.conversions, k)).sum();
    let listed_r: f64 = listed.iter().map(|&k| get(&credit.revenue, k)).sum();
    if total_c - listed_c > 1e-9 || total_r - listed_r > 1e-9 {
        out.push(row("(other)".into(), "(other)".into(), total_c - listed_c, total_r - listed_r));
    }
    out
}

fn compare(dimension: &'static str, keys: &[String], labels: &[String], credits: &[Option<Credit>], listed: &[usize]) -> Vec<Comparison> {
    let totals: Vec<Option<f64>> = credits.iter().map(|c| c.as_ref().map(|c| c.conversions.iter().sum::<f64>())).collect();
    listed
        .iter()
        .map(|&k| {
            let conversions: Vec<Option<f64>> = credits.iter().map(|c| c.as_ref().map(|c| round4(c.conversions.get(k).copied().unwrap_or(0.0)))).collect();
            let revenue = credits.iter().map(|c| c.as_ref().map(|c| round2(c.revenue.get(k).copied().unwrap_or(0.0)))).collect();
            let shares: Vec<f64> = conversions.iter().zip(&totals).filter_map(|(c, t)| Some(c.as_ref()? / t.filter(|t| *t > 0.0)?)).collect();
            let spread = shares.iter().cloned().fold(f64::MIN, f64::max) - shares.iter().cloned().fold(f64::MAX, f64::min);
            Comparison { dimension, key: keys[k].clone(), label: labels[k].clone(), conversions, revenue, spread: if shares.is_empty() { 0.0 } else { round4(spread) } }
        })
        .collect()
}

/// Channel -> first group -> furthest stage (the top channels and groups; the rest `(other)`).
fn sankey(model: &Model, j: &Journeys, order: &[u32]) -> Sankey {
    const TOP: usize = 12;
    let n = j.persons.len();
    // The most common ids (0 = none is never kept), ties by name.
    let top = |of: &dyn Fn(usize) -> u32, ids: usize, name: &dyn Fn(usize) -> String| -> Vec<bool> {
        let mut counts = vec![0u64; ids];
        for p in 0..n {
            counts[of(p) as usize] += 1;
        }
        let mut order: Vec<usize> = (1..ids).filter(|&i| counts[i] > 0).collect();
        order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then_with(|| name(a).cmp(&name(b))));
        let mut keep = vec![false; ids];
        for &i in order.iter().take(TOP) {
            keep[i] = true;
        }
        keep
    };
    let channel_of = |p: usize| j.channel_of[p];
    let group_of = |p: usize| j.group_of[p];
    let keep_channel = top(&channel_of, j.channel_names.len(), &|c| j.channel_names[c].clone());
    let keep_group = top(&group_of, model.groups.len() + 1, &|g| crate::report::group_id(&model.groups[g - 1]));
    let mut nodes: Vec<SankeyNode> = Vec::new();
    let mut node_ids = crate::model::HashMap::<String, ()>::default();
    let mut links = crate::model::HashMap::<(String, String), u64>::default();
    let mut node = |id: String, label: String, nodes: &mut Vec<SankeyNode>| {
        if node_ids.insert(id.clone(), ()).is_none() {
            nodes.push(SankeyNode { id: id.clone(), label });
        }
        id
    };
    for &p in order {
        let p = p as usize;
        let (c, g) = (j.channel_of[p] as usize, j.group_of[p] as usize);
        if c == 0 && g == 0 {
            continue;
        }
        let channel = match c {
            0 => node("channel:".into(), "(none)".into(), &mut nodes),
            c if keep_channel[c] => node(format!("channel:{}", j.channel_names[c]), j.channel_names[c].clone(), &mut nodes),
            _ => node("channel:(other)".into(), "(other)".into(), &mut nodes),
        };
        let group = match g {
            0 => node("group:".into(), "(none)".into(), &mut nodes),
            g if keep_group[g] => {
                let grp = &model.groups[g - 1];
                node(format!("group:{}", crate::report::group_id(grp)), grp.name.clone(), &mut nodes)
            }
            _ => node("group:(other)".into(), "(other)".into(), &mut nodes),
        };
        let furthest = (0..j.stage_names.len()).rev().find(|&s| j.stages[s][p] != StageTime::NotReached);
        let stage = match furthest {
            Some(s) => node(format!("stage:{}", j.stage_names[s]), j.stage_names[s].clone(), &mut nodes),
            None if g != 0 => node("stage:joined".into(), "joined".into(), &mut nodes),
            None => node("stage:".into(), "(none)".into(), &mut nodes),
        };
        *links.entry((channel, group.clone())).or_default() += 1;
        *links.entry((group, stage)).or_default() += 1;
    }
    let mut links: Vec<SankeyLink> = links.into_iter().map(|((source, target), value)| SankeyLink { source, target, value }).collect();
    links.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.source.cmp(&b.source)).then_with(|| a.target.cmp(&b.target)));
    Sankey { nodes, links }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn round6(x: f64) -> f64 {
    (x * 1_000_000.0).round() / 1_000_000.0
}
