// The PyTorch move, as a picture: Meta → PyTorch Foundation → Linux Foundation, with the founding board.
// Paste into Neo4j Browser (after :style with docs/browser/stewardgraph.grass).
MATCH (pytorch:Project {name: 'PyTorch'})
MATCH (move:Event {type: 'donation'})-[about:ABOUT]->(pytorch)
MATCH (move)-[from:FROM]->(meta), (move)-[to:TO]->(pf:Foundation)
MATCH (pf)-[hosted:HOSTED_BY]->(lf:Foundation)
MATCH (member)-[holds:HOLDS]->(m:Membership {governing_board: true})-[of:MEMBER_OF]->(pf)
WHERE m.start = date('2022-09-12')
RETURN pytorch, move, about, from, meta, to, pf, hosted, lf, member, holds, m, of
