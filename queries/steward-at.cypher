// Twin of steward-at.rq: who stewarded a project on a day.
MATCH (s:Stewardship)-[:ABOUT]->(:Project {uri: $project}), (s)-[:STEWARDED_BY]->(o)
WHERE s.start <= $date AND (s.end IS NULL OR $date < s.end)
OPTIONAL MATCH (o)-[:HAD_NAME]->(n:FormerName) WHERE $date < n.end AND (n.start IS NULL OR n.start <= $date)
RETURN coalesce(n.name, o.name) AS steward, s.role AS role,
       CASE s.start_precision WHEN 'year' THEN toString(s.start.year) WHEN 'month' THEN substring(toString(s.start), 0, 7) ELSE toString(s.start) END AS since,
       CASE s.end_precision WHEN 'year' THEN toString(s.end.year) WHEN 'month' THEN substring(toString(s.end), 0, 7) ELSE toString(s.end) END AS until,
       o.uri AS organization
ORDER BY s.start, steward
