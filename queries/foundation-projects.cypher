// Twin of foundation-projects.rq: projects a foundation (and, with include_sub, its sub-foundations) hosted or fiscally sponsored.
MATCH (s:Stewardship)-[:STEWARDED_BY]->(host), (s)-[:ABOUT]->(p:Project)
WHERE s.role IN ['host-foundation', 'fiscal-sponsor']
  AND CASE WHEN $include_sub
           THEN EXISTS { MATCH (host)-[:PART_OF*0..]->(f) WHERE f.uri = $foundation }
           ELSE host.uri = $foundation END
  AND ($date IS NULL OR (s.start <= $date AND (s.end IS NULL OR $date < s.end)))
WITH s, p, host, coalesce($date, s.start) AS at
OPTIONAL MATCH (host)-[:HAD_NAME]->(hn:FormerName) WHERE at < hn.end AND (hn.start IS NULL OR hn.start <= at)
OPTIONAL MATCH (p)-[:HAD_NAME]->(pn:FormerName) WHERE at < pn.end AND (pn.start IS NULL OR pn.start <= at)
RETURN coalesce(pn.name, p.name) AS project, coalesce(hn.name, host.name) AS host,
       CASE s.start_precision WHEN 'year' THEN toString(s.start.year) WHEN 'month' THEN substring(toString(s.start), 0, 7) ELSE toString(s.start) END AS since,
       CASE s.end_precision WHEN 'year' THEN toString(s.end.year) WHEN 'month' THEN substring(toString(s.end), 0, 7) ELSE toString(s.end) END AS until
ORDER BY s.start, project, host
