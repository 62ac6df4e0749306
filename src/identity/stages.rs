//! The canonical stage ladder (config `stage_ladder`): which CRM stage labels mean lead, MQL,
//! SQL, opportunity, won and lost, and when a record reached each.

use serde::{Deserialize, Serialize};

use crate::ingest::business::columns::norm;
use crate::model::{CrmRecord, HashMap};

/// One rung of the ladder: its canonical name and the labels CRMs write for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageDef {
    /// Canonical name (`lead`, `mql`, `sql`, `opportunity`, `won`, `lost`).
    pub stage: String,
    /// Labels that mean this stage, compared case-, width- and punctuation-insensitively.
    #[serde(default)]
    pub labels: Vec<String>,
    /// A dead end beside the ladder (lost / unqualified), not a step up it.
    #[serde(default)]
    pub lost: bool,
}

impl StageDef {
    /// The default ladder: HubSpot lifecycle stages and their labels, Salesforce lead
    /// statuses and opportunity stages, and the words Chinese CRMs use.
    pub fn defaults() -> Vec<StageDef> {
        let def = |stage: &str, labels: &[&str], lost: bool| StageDef {
            stage: stage.to_string(),
            labels: labels.iter().map(|s| s.to_string()).collect(),
            lost,
        };
        vec![
            def(
                "lead",
                &["lead", "subscriber", "new", "open", "inquiry", "prospect", "open - not contacted", "working - contacted", "线索", "新线索", "未处理", "待跟进", "跟进中", "潜在客户", "已添加"],
                false,
            ),
            def("mql", &["mql", "marketing qualified lead", "marketingqualifiedlead", "市场合格线索", "市场认可线索", "市场线索"], false),
            def(
                "sql",
                &["sql", "sales qualified lead", "salesqualifiedlead", "sal", "sales accepted lead", "salesacceptedlead", "销售合格线索", "销售认可线索", "有效线索", "已确认"],
                false,
            ),
            def(
                "opportunity",
                &[
                    "opportunity", "商机", "qualification", "needs analysis", "value proposition", "proposal/price quote", "negotiation/review",
                    "closed - converted", "converted", "appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
                    "contractsent", "已转化", "转商机", "谈判", "报价", "方案",
                ],
                false,
            ),
            def("won", &["won", "closed won", "closedwon", "customer", "evangelist", "赢单", "成交", "已成交", "客户", "签约", "已签约", "成单"], false),
            def("lost", &["lost", "closed lost", "closedlost", "closed - not converted", "unqualified", "输单", "丢单", "无效", "无效线索", "已流失", "流失"], true),
        ]
    }
}

/// A stage a record reached, and when (unknown when the export gives no time for it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageReached {
    pub stage: String,
    pub time: Option<i64>,
}

/// The ladder with its labels indexed.
#[derive(Clone, Debug)]
pub struct Ladder {
    stages: Vec<StageDef>,
    by_label: HashMap<String, usize>,
}

impl Ladder {
    /// Indexes `stages` (an empty list means the default ladder).
    pub fn new(stages: &[StageDef]) -> Ladder {
        let stages = if stages.is_empty() { StageDef::defaults() } else { stages.to_vec() };
        let mut by_label = HashMap::default();
        for (i, s) in stages.iter().enumerate() {
            for label in std::iter::once(&s.stage).chain(&s.labels) {
                by_label.entry(norm(label)).or_insert(i);
            }
        }
        Ladder { stages, by_label }
    }

    /// The stages, in order.
    pub fn stages(&self) -> &[StageDef] {
        &self.stages
    }

    /// Which rung a label means.
    pub fn index(&self, label: &str) -> Option<usize> {
        self.by_label.get(&norm(label)).copied()
    }

    /// The canonical name of a label.
    pub fn canonical(&self, label: &str) -> Option<&str> {
        self.index(label).map(|i| self.stages[i].stage.as_str())
    }

    /// The record's current canonical stage: the stage column, else the furthest stage with
    /// a time.
    pub fn current(&self, rec: &CrmRecord) -> Option<usize> {
        rec.stage.as_deref().and_then(|s| self.index(s)).or_else(|| {
            rec.stage_times.iter().filter_map(|(l, _)| self.index(l)).filter(|&i| !self.stages[i].lost).max()
        })
    }

    /// Every stage the record reached, in ladder order, with the time when known: the stage
    /// columns' times; the first rung at the record's creation; a won or lost stage at the
    /// close date. Rungs below the current stage count as passed (time unknown unless given);
    /// a lost record passed the rungs it has times for.
    pub fn reached(&self, rec: &CrmRecord) -> Vec<StageReached> {
        let mut times: Vec<Option<i64>> = vec![None; self.stages.len()];
        let mut hit = vec![false; self.stages.len()];
        for (label, t) in &rec.stage_times {
            if let Some(i) = self.index(label) {
                hit[i] = true;
                times[i] = Some(times[i].map_or(*t, |old: i64| old.min(*t)));
            }
        }
        if let Some(cur) = self.current(rec) {
            hit[cur] = true;
            if !self.stages[cur].lost {
                for h in hit.iter_mut().take(cur).enumerate().filter(|(i, _)| !self.stages[*i].lost).map(|(_, h)| h) {
                    *h = true;
                }
            }
            let terminal = cur + 1 == self.stages.len() || self.stages[cur].lost || self.stages[cur].stage == "won";
            if terminal && times[cur].is_none() {
                times[cur] = rec.close_date;
            }
        }
        if let Some(first) = self.stages.iter().position(|s| !s.lost) {
            if rec.created.is_some() && (hit[first] || hit.iter().any(|&h| h)) {
                hit[first] = true;
                if times[first].is_none() {
                    times[first] = rec.created;
                }
            }
        }
        self.stages
            .iter()
            .zip(hit.iter().zip(times))
            .filter(|(_, (&h, _))| h)
            .map(|(s, (_, time))| StageReached { stage: s.stage.clone(), time })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(stage: Option<&str>, times: &[(&str, i64)]) -> CrmRecord {
        CrmRecord {
            stage: stage.map(str::to_string),
            stage_times: times.iter().map(|(l, t)| (l.to_string(), *t)).collect(),
            created: Some(100),
            close_date: Some(900),
            ..Default::default()
        }
    }

    fn pairs(r: Vec<StageReached>) -> Vec<(String, Option<i64>)> {
        r.into_iter().map(|s| (s.stage, s.time)).collect()
    }

    #[test]
    fn hubspot_became_dates_and_labels() {
        let l = Ladder::new(&[]);
        assert_eq!(l.canonical("Marketing Qualified Lead"), Some("mql"));
        assert_eq!(l.canonical("marketingqualifiedlead"), Some("mql"));
        assert_eq!(l.canonical("赢单"), Some("won"));
        assert_eq!(l.canonical("Closed - Not Converted"), Some("lost"));
        let r = rec(Some("Sales Qualified Lead"), &[("lead", 150), ("marketing qualified lead", 300), ("sales qualified lead", 500)]);
        assert_eq!(pairs(l.reached(&r)), [("lead".into(), Some(150)), ("mql".into(), Some(300)), ("sql".into(), Some(500))]);
    }

    #[test]
    fn passed_rungs_created_and_close_dates() {
        let l = Ladder::new(&[]);
        let r = rec(Some("赢单"), &[("商机", 400)]);
        assert_eq!(
            pairs(l.reached(&r)),
            [("lead".into(), Some(100)), ("mql".into(), None), ("sql".into(), None), ("opportunity".into(), Some(400)), ("won".into(), Some(900))]
        );
        let lost = rec(Some("输单"), &[("mql", 300)]);
        assert_eq!(pairs(l.reached(&lost)), [("lead".into(), Some(100)), ("mql".into(), Some(300)), ("lost".into(), Some(900))]);
        assert!(l.reached(&rec(Some("something else"), &[])).is_empty());
    }

    #[test]
    fn a_custom_ladder() {
        let l = Ladder::new(&[
            StageDef { stage: "lead".into(), labels: vec!["留资".into()], lost: false },
            StageDef { stage: "trial".into(), labels: vec!["试听".into()], lost: false },
            StageDef { stage: "paid".into(), labels: vec!["报名".into()], lost: false },
        ]);
        let r = rec(Some("报名"), &[("试听", 200)]);
        assert_eq!(pairs(l.reached(&r)), [("lead".into(), Some(100)), ("trial".into(), Some(200)), ("paid".into(), Some(900))]);
    }
}
