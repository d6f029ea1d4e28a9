#!/usr/bin/env python3
"""An independent tally of `manyi-appraisal-v1` (docs/decisions/0025), Python standard library only.
Usage: python3 appraisal-tally-reference.py pack.json  — prints the result JSON (assumes a valid pack)."""
import json, math, sys
from decimal import Decimal
from fractions import Fraction as F

def ratio(text):  # "n/d" or "x%", exactly
    return F(text[:-1]) / 100 if text.endswith('%') else F(text)

def meets(value, rule):  # rule holds one of moreThan / atLeast
    return value > ratio(rule['moreThan']) if 'moreThan' in rule else value >= ratio(rule['atLeast'])

def rounded(x):  # half-up to two decimals, as an exact fraction
    return F(math.floor(x * 100 + F(1, 2)), 100)

def shown(x):  # "87.80", or null
    return None if x is None else str(Decimal(int(rounded(x) * 100)).scaleb(-2))

def weighted(parts):  # Σ weight × value ÷ Σ weight over the parts with a value; null if none or Σ weight = 0
    parts = [(w, v) for w, v in parts if v is not None]
    total = sum(w for w, _ in parts)
    return sum(w * v for w, v in parts) / total if total else None

pack = json.load(open(sys.argv[1], encoding='utf-8'), parse_float=Decimal)
scale, indicators, groups, subjects = pack['scale'], pack['indicators'], pack['groups'], pack['subjects']
rules, ballots, bands = pack['rules'], pack['ballots'], pack['rules']['bands']
score = {o['option']: None if o['score'] is None else F(o['score']) for o in scale}
top = next(o['option'] for o in scale if o['top'])
graded = [s['id'] for s in subjects if s['graded']]
G = len(graded)

# 1. Returned ≤ issued
returned = {g['id']: sum(b['group'] == g['id'] for b in ballots) for g in groups}
reasons = [f"returned-exceeds-issued:{g['id']}" for g in groups if returned[g['id']] > g['issued']]
# 2. Quorum: void the round, or drop the group (every group dropped: void)
met = {g['id']: g['issued'] > 0 and meets(F(returned[g['id']], g['issued']), rules['quorum']) for g in groups}
failed = [g['id'] for g in groups if not met[g['id']]]
dropped = set(failed) if rules['onQuorumFail'] == 'renormalise' else set()
if rules['onQuorumFail'] == 'void' or len(failed) == len(groups):
    reasons += [f'quorum:{gid}' for gid in failed]
void = bool(reasons)
counting = [g['id'] for g in groups if g['id'] not in dropped]

# 3. Invalid ballots (choices for ungraded subjects play no part)
def is_invalid(ballot):
    pick = lambda sid, iid: ballot['choices'].get(sid, {}).get(iid)  # None: a blank
    if (same := rules['invalidIfIdentical']) and G >= same['minSubjects']:
        picks = {pick(sid, i['id']) for sid in graded for i in indicators}
        if len(picks) == 1 and score.get(picks.pop()) is not None:
            return True
    if per_ballot := rules['excellentPerBallot']:
        quota = math.floor(ratio(per_ballot['maxShare']) * G)
        return any(sum(pick(sid, i['id']) == top for sid in graded) > quota for i in indicators)
    return False

valid = {g['id']: [b for b in ballots if b['group'] == g['id'] and not is_invalid(b)] for g in groups}
result = {'void': void, 'reasons': reasons, 'groups': [
    {'id': g['id'], 'issued': g['issued'], 'returned': returned[g['id']], 'valid': len(valid[g['id']]),
     'invalid': returned[g['id']] - len(valid[g['id']]), 'quorumMet': met[g['id']]} for g in groups], 'subjects': []}

# 4.–6. Per subject: counts, (trimmed) means, group scores, composite, band
trim, composite, grade, picked_by = rules['trim'], {}, {}, {}
for s in subjects:
    sid, trimmed, parts, out_groups = s['id'], False, [], []
    for g in groups:
        choices = [b['choices'].get(sid, {}) for b in valid[g['id']]]
        picked_by[sid, g['id']] = [o for c in choices for o in c.values()]  # raw choices, every indicator
        out_indicators, means = [], []
        for i in indicators:
            picked = [c[i['id']] for c in choices if i['id'] in c]
            scores = sorted(score[o] for o in picked if score[o] is not None)
            n = len(scores)
            if trim and n > trim['moreThan']:
                scores, trimmed = scores[trim['drop']:n - trim['drop']], True
            means.append((F(i['weightPct']), sum(scores) / len(scores) if scores else None))
            out_indicators.append({'id': i['id'], 'n': n, 'mean': shown(means[-1][1]),
                                   'counts': {o['option']: picked.count(o['option']) for o in scale}})
        group_score = weighted(means)
        if g['id'] in counting:
            parts.append((F(g['weightPct']), group_score))
        out_groups.append({'id': g['id'], 'n': sum(any(score[o] is not None for o in c.values()) for c in choices),
                           'score': shown(group_score), 'indicators': out_indicators})
    composite[sid] = None if void else weighted(parts)
    if s['graded'] and composite[sid] is not None:  # 6. first band with min ≤ rounded composite, else the last
        grade[sid] = next((k for k, b in enumerate(bands) if F(b['min']) <= rounded(composite[sid])), len(bands) - 1)
    # Reading of 0025 (as the TypeScript does): a void round drops no group, so no subject gets `quorum`.
    fired = ['ungraded'] * (not s['graded']) + ['quorum'] * bool(dropped and not void) + ['trim'] * trimmed
    result['subjects'].append({'id': sid, 'composite': shown(composite[sid]), 'proposedGrade': None,
                               'rules': fired, 'groups': out_groups})
rules_of = {r['id']: r['rules'] for r in result['subjects']}
scored = lambda sid, group_ids: [o for gid in group_ids for o in picked_by[sid, gid] if score[o] is not None]

# 7. Vetoes, in the pack's order: raw counts over the valid ballots of a counting group
for veto in rules['vetoes']:
    for sid in grade if veto['group'] in counting else []:
        choices = scored(sid, [veto['group']])
        if choices and meets(F(sum(o in veto['options'] for o in choices), len(choices)), veto):
            rules_of[sid].append(f"veto:{veto['id']}")
            grade[sid] = max(grade[sid], next(k for k, b in enumerate(bands) if b['grade'] == veto['atMost']))

# 8. 优秀 cap: rank by rounded composite, then share of top-option choices; ties straddling K → the committee
cap = rules['excellentCap']
K = math.floor(ratio(cap['maxShare']) * G) if cap else None
candidates = [sid for sid in grade if grade[sid] == 0]
if cap and len(candidates) > K:
    def rank_key(sid):
        choices = scored(sid, counting)
        return rounded(composite[sid]), F(choices.count(top), len(choices)) if choices else F(0)
    candidates.sort(key=rank_key, reverse=True)
    tie = K > 0 and rank_key(candidates[K - 1]) == rank_key(candidates[K])
    for place, sid in enumerate(candidates):
        tied = tie and rank_key(sid) == rank_key(candidates[K])
        if tied or place >= K:  # proposed the second band
            grade[sid] = 1
            rules_of[sid].append('excellent-cap-tie' if tied else 'excellent-cap')

for r in result['subjects']:  # 9. ungraded subjects (and every subject of a void round) have no grade
    r['proposedGrade'] = bands[grade[r['id']]]['grade'] if r['id'] in grade else None
print(json.dumps(result, ensure_ascii=False, indent=2))
