// Twin of transfers.rq: changes of custody between two dates.
MATCH (e:Event)
WHERE e.date >= $from_date AND e.date <= $to_date AND ($event_type IS NULL OR e.type = $event_type)
OPTIONAL MATCH (e)-[:ABOUT]->(p:Project)
OPTIONAL MATCH (e)-[:ABOUT]->(o:Organization)
OPTIONAL MATCH (e)-[:FROM]->(f)
OPTIONAL MATCH (e)-[:TO]->(t)
OPTIONAL MATCH (e)-[:ACQUIRED]->(a)
OPTIONAL MATCH (f)-[:HAD_NAME]->(fn:FormerName) WHERE e.date < fn.end AND (fn.start IS NULL OR fn.start <= e.date)
OPTIONAL MATCH (t)-[:HAD_NAME]->(tn:FormerName) WHERE e.date < tn.end AND (tn.start IS NULL OR tn.start <= e.date)
WITH e, coalesce(p.name, o.name, a.name) AS project, f, t, fn, tn
WHERE f IS NOT NULL OR t IS NOT NULL
RETURN CASE e.date_precision WHEN 'year' THEN toString(e.date.year) WHEN 'month' THEN substring(toString(e.date), 0, 7) ELSE toString(e.date) END AS date,
       project, e.type AS event_type, coalesce(fn.name, f.name) AS from_steward, coalesce(tn.name, t.name) AS to_steward
ORDER BY e.date, e.uri
