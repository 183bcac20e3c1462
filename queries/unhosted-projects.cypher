// Twin of unhosted-projects.rq: projects no foundation hosted on a day.
MATCH (p:Project)
WHERE EXISTS { MATCH (known)-[:ABOUT]->(p) WHERE coalesce(known.start, known.date) <= $date }
  AND NOT EXISTS {
  MATCH (h:Stewardship {role: 'host-foundation'})-[:ABOUT]->(p)
  WHERE h.start <= $date AND (h.end IS NULL OR $date < h.end)
}
OPTIONAL MATCH (s:Stewardship)-[:ABOUT]->(p), (s)-[:STEWARDED_BY]->(o)
  WHERE s.start <= $date AND (s.end IS NULL OR $date < s.end)
RETURN p.name AS project, o.name AS steward, s.role AS role,
       CASE s.start_precision WHEN 'year' THEN toString(s.start.year) WHEN 'month' THEN substring(toString(s.start), 0, 7) ELSE toString(s.start) END AS since
ORDER BY project, steward
