//! CloudFormation's condition functions (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`,
//! `Condition`), evaluated under the values the template is read with; `Fn::If` and resource
//! conditions both use them. Shares the resolver's chain (cycles), depth limit and budget.

use super::*;

impl<'a> Template<'a> {
    /// Whether the named condition holds under the values this template is read with
    /// (parameter defaults, or the parameters a parent stack passes); `Err` says why it
    /// cannot be told.
    pub fn condition_holds(&self, name: &str) -> Result<bool, String> {
        self.condition(name, &mut Cx::default())
    }

    /// Evaluates a named condition; `Err` says why it cannot be.
    pub(super) fn condition(&self, name: &str, cx: &mut Cx) -> Result<bool, String> {
        let c = self
            .root
            .get("Conditions")
            .and_then(|c| c.get(name))
            .ok_or_else(|| format!("no condition `{name}`"))?;
        let link = Link::Condition(name.to_string());
        if let Some(i) = cx.chain.iter().position(|l| *l == link) {
            return Err(cycle_text(&cx.chain[i..], &link));
        }
        cx.chain.push(link);
        let out = self.eval(c, cx);
        cx.chain.pop();
        out
    }

    fn eval(&self, n: &Node, cx: &mut Cx) -> Result<bool, String> {
        if cx.depth >= MAX_RESOLVE_DEPTH {
            return Err(format!(
                "conditions nest deeper than {MAX_RESOLVE_DEPTH} levels (limit MAX_RESOLVE_DEPTH)"
            ));
        }
        if !self.spend(std::mem::size_of::<Node>()) {
            return Err(over_budget());
        }
        cx.depth += 1;
        let out = self.eval_at(n, cx);
        cx.depth -= 1;
        out
    }

    fn eval_at(&self, n: &Node, cx: &mut Cx) -> Result<bool, String> {
        let Some([(k, arg)]) = n.map() else {
            return match n.v {
                V::Bool(b) => Ok(b),
                _ => Err("not a condition".into()),
            };
        };
        let args = arg.seq().unwrap_or(&[]);
        match k.name.as_str() {
            "Condition" => self.condition(arg.str().unwrap_or(""), cx),
            "Fn::Equals" => {
                let vals: Vec<Node> = args.iter().map(|a| self.resolve_in(a, cx)).collect();
                match vals.as_slice() {
                    [a, b] => match (a.text(), b.text()) {
                        // Pseudo parameters other than the partition and stack name (the
                        // account, the region) are kept as `${AWS::Region}` text: comparing
                        // that text would decide the condition on a made-up value.
                        (Some(a), Some(b)) if a.contains("${AWS::") || b.contains("${AWS::") => {
                            Err("it compares a pseudo parameter (account, region…) known only when the stack is deployed".into())
                        }
                        (Some(a), Some(b)) => Ok(a == b),
                        _ => Err(vals
                            .iter()
                            .find_map(|v| match &v.v {
                                V::Unknown(w) => Some(w.clone()),
                                _ => None,
                            })
                            .unwrap_or_else(|| "a compared value cannot be resolved".into())),
                    },
                    _ => Err("`Fn::Equals` needs two values".into()),
                }
            }
            "Fn::Not" => Ok(!self.eval(args.first().ok_or("empty `Fn::Not`")?, cx)?),
            "Fn::And" => {
                let mut all = true;
                for a in args {
                    all &= self.eval(a, cx)?;
                }
                Ok(all)
            }
            "Fn::Or" => {
                let mut any = false;
                for a in args {
                    any |= self.eval(a, cx)?;
                }
                Ok(any)
            }
            other => Err(format!("`{other}` in a condition")),
        }
    }
}
