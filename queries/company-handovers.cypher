// Twin of company-handovers.rq: projects an organization gave away, the receiver named as it was.
MATCH (e:Event)-[:FROM]->(:Resource {uri: $company}), (e)-[:ABOUT]->(p:Project), (e)-[:TO]->(t)
WHERE e.type IN ['donation', 'transfer', 'umbrella-expansion', 'acquisition']
OPTIONAL MATCH (t)-[:HAD_NAME]->(tn:FormerName) WHERE e.date < tn.end AND (tn.start IS NULL OR tn.start <= e.date)
OPTIONAL MATCH (e)-[:CITES]->(s:Source)
WITH e, p, t, tn, collect(DISTINCT s.url) AS urls
RETURN CASE e.date_precision WHEN 'year' THEN toString(e.date.year) WHEN 'month' THEN substring(toString(e.date), 0, 7) ELSE toString(e.date) END AS date,
       p.name AS project, e.type AS event_type, coalesce(tn.name, t.name) AS to_steward,
       trim(reduce(acc = '', u IN urls | acc + ' ' + u)) AS sources
ORDER BY e.date, e.uri
