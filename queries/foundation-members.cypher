// Twin of foundation-members.rq: members of a foundation by tier, highest first.
MATCH (member)-[:HOLDS]->(m:Membership)-[:MEMBER_OF]->(:Resource {uri: $foundation})
WHERE $date IS NULL OR (m.start <= $date AND (m.end IS NULL OR $date < m.end))
WITH member, m, coalesce($date, m.start) AS at
OPTIONAL MATCH (member)-[:HAD_NAME]->(n:FormerName) WHERE at < n.end AND (n.start IS NULL OR n.start <= at)
RETURN coalesce(n.name, member.name) AS member, m.tier AS tier,
       CASE m.start_precision WHEN 'year' THEN toString(m.start.year) WHEN 'month' THEN substring(toString(m.start), 0, 7) ELSE toString(m.start) END AS since,
       CASE m.end_precision WHEN 'year' THEN toString(m.end.year) WHEN 'month' THEN substring(toString(m.end), 0, 7) ELSE toString(m.end) END AS until
ORDER BY CASE tier WHEN 'premier' THEN 1 WHEN 'strategic' THEN 2 WHEN 'platinum' THEN 3 WHEN 'gold' THEN 4 WHEN 'silver' THEN 5 WHEN 'bronze' THEN 6 WHEN 'general' THEN 7 WHEN 'member' THEN 8 WHEN 'end-user' THEN 9 WHEN 'associate' THEN 10 WHEN 'academic' THEN 11 WHEN 'nonprofit' THEN 12 ELSE 100 END, tier, member, m.start
