"""The product catalogue (SOP 2.3.2, 4.1.1): the products and services the company
sells, each with its unit, and its list price and standard cost per currency, versioned
by the day they take effect.  Quotes price its products (``pricing``)."""
