//! Attribution models on small paths with hand-computed credits, the published test vectors
//! (`shared/research/attribution-funnels-crm.md` §1.2.4, §1.5, §1.6) and a cross-check of the
//! Markov removal effect against ChannelAttribution on a path set of our own.

use qunlens::attribution::{markov, Heuristic, Paths};

const DAY: i64 = 86_400;

fn close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol
}

fn assert_all_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w, tol), "{got:?} vs {want:?}");
    }
}

/// One path of distinct keys `t1..tn` touched on `days`, converting once on `conversion_day`.
fn dated(days: &[i64], conversion_day: i64, value: f64, milestones: [i64; 2]) -> Paths {
    let mut p = Paths::default();
    let touches: Vec<(i64, u32)> = days.iter().enumerate().map(|(i, d)| (d * DAY, p.key_id(&format!("t{}", i + 1)))).collect();
    let ms = milestones.map(|d| if d < 0 { i64::MIN } else { d * DAY });
    p.push(&touches, 1.0, 0.0, value, conversion_day * DAY, ms);
    p
}

fn rows(rows: &[(&str, f64, f64, f64)]) -> Paths {
    let mut p = Paths::default();
    for (path, conv, value, null) in rows {
        let keys: Vec<&str> = path.split('>').map(str::trim).collect();
        p.push_named(&keys, *conv, *null, *value);
    }
    p
}

fn by_name(p: &Paths, values: &[f64], names: &[&str]) -> Vec<f64> {
    names.iter().map(|n| values[p.keys.iter().position(|k| k == n).unwrap()]).collect()
}

#[test]
fn five_touch_journey_time_decay_position_linear() {
    // Touches on days 0, 5, 12, 30, 38; conversion on day 38 worth 12 000.
    let p = dated(&[0, 5, 12, 30, 38], 38, 12_000.0, [-1, -1]);
    let decay = Heuristic::TimeDecay { half_life_s: 7.0 * DAY as f64 }.credit(&p, &[]);
    assert_all_close(&decay.revenue, &[175.2, 287.4, 574.9, 3417.0, 7545.4], 0.1);
    let u = Heuristic::PositionBased { first: 0.4, last: 0.4 }.credit(&p, &[]);
    assert_all_close(&u.revenue, &[4800.0, 800.0, 800.0, 800.0, 4800.0], 1e-9);
    let linear = Heuristic::Linear.credit(&p, &[]);
    assert_all_close(&linear.revenue, &[2400.0; 5], 1e-9);
    assert_all_close(&linear.conversions, &[0.2; 5], 1e-12);
}

#[test]
fn milestone_journey_w_shaped_and_time_decay() {
    // Days 0, 3, 10, 20, 27, 30; lead created on day 3 (t2), deal on day 20 (t4); won on 30.
    let p = dated(&[0, 3, 10, 20, 27, 30], 30, 100.0, [3, 20]);
    let w = Heuristic::WShaped { first: 0.3, lead: 0.3, deal: 0.3 }.credit(&p, &[]);
    assert_all_close(&w.revenue, &[30.0, 30.0, 10.0 / 3.0, 30.0, 10.0 / 3.0, 10.0 / 3.0], 1e-9);
    let decay = Heuristic::TimeDecay { half_life_s: 7.0 * DAY as f64 }.credit(&p, &[]);
    assert_all_close(&decay.revenue, &[2.161, 2.908, 5.816, 15.657, 31.313, 42.145], 0.001);
    let u = Heuristic::PositionBased { first: 0.4, last: 0.4 }.credit(&p, &[]);
    assert_all_close(&u.revenue, &[40.0, 5.0, 5.0, 5.0, 5.0, 40.0], 1e-9);
}

#[test]
fn w_shaped_roles_on_one_touch_add_up_and_missing_roles_are_shared_out() {
    // Lead created at the first touch (day 0), no deal: first 30 + lead 30 on t1, rest 10
    // over t2, t3; the missing deal's 30 goes to the others in proportion (÷ 0.7).
    let p = dated(&[0, 5, 9], 9, 70.0, [0, -1]);
    let w = Heuristic::WShaped { first: 0.3, lead: 0.3, deal: 0.3 }.credit(&p, &[]);
    assert_all_close(&w.revenue, &[60.0, 5.0, 5.0], 1e-9);
    // Lead created before any touch: only the first-touch role is anchored.
    let p = dated(&[10, 20], 20, 10.0, [1, -1]);
    let w = Heuristic::WShaped { first: 0.3, lead: 0.3, deal: 0.3 }.credit(&p, &[]);
    assert_all_close(&w.revenue, &[7.5, 2.5], 1e-9);
}

#[test]
fn one_and_two_touch_paths_keep_all_credit() {
    let one = dated(&[4], 4, 50.0, [4, 4]);
    for model in every_heuristic() {
        let c = model.credit(&one, &[]);
        assert_all_close(&c.conversions, &[1.0], 1e-12);
        assert_all_close(&c.revenue, &[50.0], 1e-9);
    }
    // 40/20/40 on two touches: no middle, so 50/50.
    let two = dated(&[1, 2], 2, 10.0, [-1, -1]);
    let u = Heuristic::PositionBased { first: 0.4, last: 0.4 }.credit(&two, &[]);
    assert_all_close(&u.conversions, &[0.5, 0.5], 1e-12);
}

fn every_heuristic() -> Vec<Heuristic> {
    vec![
        Heuristic::FirstTouch,
        Heuristic::LastTouch,
        Heuristic::LastNonDirect,
        Heuristic::Linear,
        Heuristic::PositionBased { first: 0.4, last: 0.4 },
        Heuristic::WShaped { first: 0.3, lead: 0.3, deal: 0.3 },
        Heuristic::TimeDecay { half_life_s: 7.0 * DAY as f64 },
        Heuristic::Shapley,
    ]
}

#[test]
fn channel_attribution_heuristics_toy_with_repeats_and_nulls() {
    let p = rows(&[("a > b > c", 2.0, 20.0, 1.0), ("a > c", 1.0, 5.0, 2.0), ("b", 0.0, 0.0, 3.0), ("c > a", 1.0, 7.0, 0.0), ("a", 0.0, 0.0, 4.0), ("b > c", 3.0, 30.0, 1.0)]);
    let abc = ["a", "b", "c"];
    let first = Heuristic::FirstTouch.credit(&p, &[]);
    assert_all_close(&by_name(&p, &first.conversions, &abc), &[3.0, 3.0, 1.0], 1e-12);
    assert_all_close(&by_name(&p, &first.revenue, &abc), &[25.0, 30.0, 7.0], 1e-9);
    let last = Heuristic::LastTouch.credit(&p, &[]);
    assert_all_close(&by_name(&p, &last.conversions, &abc), &[1.0, 0.0, 6.0], 1e-12);
    assert_all_close(&by_name(&p, &last.revenue, &abc), &[7.0, 0.0, 55.0], 1e-9);
    let linear = Heuristic::Linear.credit(&p, &[]);
    assert_all_close(&by_name(&p, &linear.conversions, &abc), &[1.666667, 2.166667, 3.166667], 1e-6);
    assert_all_close(&by_name(&p, &linear.revenue, &abc), &[12.666667, 21.666667, 27.666667], 1e-6);
    // Null paths carry no credit in any rule: every model conserves the 7 conversions.
    for model in every_heuristic() {
        let c = model.credit(&p, &[]);
        assert!(close(c.conversions.iter().sum(), 7.0, 1e-9), "{model:?}");
        assert!(close(c.revenue.iter().sum(), 62.0, 1e-9), "{model:?}");
    }
}

#[test]
fn repeated_touches_count_per_touch_but_once_for_shapley() {
    let p = rows(&[("a > a > b", 1.0, 90.0, 0.0)]);
    let linear = Heuristic::Linear.credit(&p, &[]);
    assert_all_close(&by_name(&p, &linear.revenue, &["a", "b"]), &[60.0, 30.0], 1e-9);
    let shapley = Heuristic::Shapley.credit(&p, &[]);
    assert_all_close(&by_name(&p, &shapley.revenue, &["a", "b"]), &[45.0, 45.0], 1e-9);
}

#[test]
fn last_non_direct_skips_direct_keys_unless_all_are_direct() {
    let p = rows(&[("ad > direct > direct", 1.0, 0.0, 0.0), ("direct > direct", 1.0, 0.0, 0.0)]);
    let mut direct = vec![false; p.keys.len()];
    direct[p.keys.iter().position(|k| k == "direct").unwrap()] = true;
    let c = Heuristic::LastNonDirect.credit(&p, &direct);
    assert_all_close(&by_name(&p, &c.conversions, &["ad", "direct"]), &[1.0, 1.0], 1e-12);
}

#[test]
fn shapley_simplified_game_vectors() {
    let p = rows(&[("a", 4.0, 0.0, 0.0), ("a > b", 6.0, 0.0, 0.0)]);
    let c = Heuristic::Shapley.credit(&p, &[]);
    assert_all_close(&by_name(&p, &c.conversions, &["a", "b"]), &[7.0, 3.0], 1e-12);
    let p = rows(&[("a > b > c > d", 10.0, 0.0, 0.0)]);
    assert_all_close(&Heuristic::Shapley.credit(&p, &[]).conversions, &[2.5; 4], 1e-12);
}

#[test]
fn markov_toy_chains_match_the_exact_removal_effect() {
    // toy 1: RE .5 / 1 / 1 -> 0.2 / 0.4 / 0.4.
    let p = rows(&[("C1 > C2 > C3", 1.0, 0.0, 0.0), ("C1", 0.0, 0.0, 1.0), ("C2 > C3", 0.0, 0.0, 1.0)]);
    let m = markov::removal_effects(&p, 1, true);
    assert_all_close(&by_name(&p, &m.credit.conversions, &["C1", "C2", "C3"]), &[0.2, 0.4, 0.4], 1e-9);
    assert_all_close(&by_name(&p, &m.removal_effects, &["C1", "C2", "C3"]), &[0.5, 1.0, 1.0], 1e-9);
    // toy 2: repeats collapse; loops; no null paths -> 2.0 / 1.0.
    let p = rows(&[("A > B > A > B > B > A", 1.0, 0.0, 0.0), ("A > B > B > A > A", 1.0, 0.0, 0.0), ("A > A", 1.0, 0.0, 0.0)]);
    let m = markov::removal_effects(&p, 1, true);
    assert_all_close(&by_name(&p, &m.credit.conversions, &["A", "B"]), &[2.0, 1.0], 1e-9);
    // toy 3 with nulls.
    let p = rows(&[("a > b > c", 2.0, 20.0, 1.0), ("a > c", 1.0, 5.0, 2.0), ("b", 0.0, 0.0, 3.0), ("c > a", 1.0, 7.0, 0.0), ("a", 0.0, 0.0, 4.0), ("b > c", 3.0, 30.0, 1.0)]);
    let m = markov::removal_effects(&p, 1, true);
    assert_all_close(&by_name(&p, &m.credit.conversions, &["a", "b", "c"]), &[1.911760, 2.009202, 3.079037], 1e-5);
    // The count-built chain converts with the observed rate: 7 / (7 + 11).
    assert!(close(m.p_conversion, 7.0 / 18.0, 1e-12), "{}", m.p_conversion);
    // Without null paths every journey converts.
    let m = markov::removal_effects(&p, 1, false);
    assert!(close(m.p_conversion, 1.0, 1e-12));
    assert!(close(m.credit.conversions.iter().sum(), 7.0, 1e-9));
}

#[test]
fn markov_higher_orders_conserve_credit() {
    let p = rows(&[("a > b > c", 2.0, 20.0, 1.0), ("a > c", 1.0, 5.0, 2.0), ("b", 0.0, 0.0, 3.0), ("c > a", 1.0, 7.0, 0.0), ("a", 0.0, 0.0, 4.0), ("b > c", 3.0, 30.0, 1.0)]);
    for order in 2..=3 {
        let m = markov::removal_effects(&p, order, true);
        assert!(close(m.credit.conversions.iter().sum(), 7.0, 1e-9));
        assert!(close(m.credit.revenue.iter().sum(), 62.0, 1e-9));
        assert!(close(m.p_conversion, 7.0 / 18.0, 1e-12));
        // Removing `b` loses every conversion through it, whatever the order: "b > c" and
        // "a > b > c" convert 5 of 7 paths' conversions; the chain still counts "a > c".
        assert!(m.removal_effects.iter().all(|&r| (0.0..=1.0).contains(&r)));
    }
}

/// The fixture path set of our own and ChannelAttribution's order-1 result on it
/// (`tests/fixtures/attribution/make_paths.py`): within 1 % of the total for every channel.
#[test]
fn markov_matches_channel_attribution_within_one_percent() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/attribution/");
    let data = std::fs::read_to_string(format!("{dir}paths.csv")).unwrap();
    let mut p = Paths::default();
    for line in data.lines().skip(1) {
        let f: Vec<&str> = line.split(';').collect();
        let keys: Vec<&str> = f[0].split('>').map(str::trim).collect();
        p.push_named(&keys, f[1].parse().unwrap(), f[3].parse().unwrap(), f[2].parse().unwrap());
    }
    let (total, total_value) = p.totals();
    let m = markov::removal_effects(&p, 1, true);
    let expected = std::fs::read_to_string(format!("{dir}ca_markov.csv")).unwrap();
    let (mut checked, mut worst) = (0, 0.0f64);
    for line in expected.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (ca_conv, ca_value): (f64, f64) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        let ours = by_name(&p, &m.credit.conversions, &[f[0]])[0];
        let ours_value = by_name(&p, &m.credit.revenue, &[f[0]])[0];
        assert!((ours - ca_conv).abs() <= 0.01 * total, "{}: ours {ours} CA {ca_conv}", f[0]);
        assert!((ours_value - ca_value).abs() <= 0.01 * total_value, "{}: ours {ours_value} CA {ca_value}", f[0]);
        worst = worst.max((ours - ca_conv).abs() / total);
        checked += 1;
    }
    assert_eq!(checked, p.keys.len());
    eprintln!("largest difference from ChannelAttribution: {:.3} % of {total} conversions", worst * 100.0);
}

#[test]
fn markov_merges_keys_past_its_limit_and_splits_their_credit_by_touches() {
    // 120 one-touch paths, each converting once and failing once: every key earns one
    // conversion. Order 2 keeps 100 keys; the other 20 share one state and split its 20.
    let mut p = Paths::default();
    for i in 0..120 {
        p.push_named(&[&format!("k{i:03}")], 1.0, 1.0, 10.0);
    }
    let m = markov::removal_effects(&p, 2, true);
    assert_eq!(m.merged_keys, 20);
    assert_all_close(&m.credit.conversions, &[1.0; 120], 1e-9);
    assert_all_close(&m.credit.revenue, &[10.0; 120], 1e-9);
    assert_eq!(markov::removal_effects(&p, 1, true).merged_keys, 0);
}
