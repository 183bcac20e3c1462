// Twin of is-a.rq: the entity, if it is an instance of the class.
MATCH (e:Resource {uri: $entity})
WHERE ($class ENDS WITH '#Project' AND e:Project) OR ($class ENDS WITH '#Organization' AND e:Organization)
      OR ($class ENDS WITH '#Foundation' AND e:Foundation)
RETURN e.uri AS entity LIMIT 1
