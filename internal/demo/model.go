package demo

import (
	"github.com/bindery-dev/bindery/internal/model"
)

// retailModel is the schema every demo retailer shares: a star with a Sales fact
// and Product, Store and Date dimensions. legacy drops what the report needs
// (Product[Category] and [Margin %]) to show the compatibility error.
func retailModel(name string, withRLS, legacy bool) *model.DatasetDefinition {
	product := model.Table{Name: "Product", Columns: []model.Column{
		{Name: "ProductId", DataType: model.TypeInt64}, {Name: "Product", DataType: model.TypeString},
		{Name: "Category", DataType: model.TypeString},
	}}
	measures := []model.Measure{
		{Name: "Total Sales", Expression: "SUM(Sales[Amount])", FormatString: "#,0.00"},
		{Name: "Total Quantity", Expression: "SUM(Sales[Quantity])"},
		{Name: "Orders", Expression: "COUNTROWS(Sales)"},
		{Name: "Customers", Expression: "DISTINCTCOUNT(Sales[CustomerId])"},
		{Name: "Margin %", Expression: "DIVIDE(SUM(Sales[Amount]) - SUM(Sales[Cost]), SUM(Sales[Amount]))", FormatString: "0.0%"},
		{Name: "Average Order", Expression: "DIVIDE([Total Sales], [Orders], 0)"},
	}
	if legacy {
		product.Columns = product.Columns[:2]
		measures = measures[:4]
	}
	def := &model.DatasetDefinition{
		Name: name,
		Tables: []model.Table{
			{Name: "Sales", Columns: []model.Column{
				{Name: "OrderDate", DataType: model.TypeDate}, {Name: "StoreId", DataType: model.TypeInt64},
				{Name: "ProductId", DataType: model.TypeInt64}, {Name: "CustomerId", DataType: model.TypeInt64},
				{Name: "Quantity", DataType: model.TypeInt64}, {Name: "Amount", DataType: model.TypeDouble},
				{Name: "Cost", DataType: model.TypeDouble},
			}, Measures: measures},
			product,
			{Name: "Store", Columns: []model.Column{
				{Name: "StoreId", DataType: model.TypeInt64}, {Name: "Store", DataType: model.TypeString},
				{Name: "City", DataType: model.TypeString}, {Name: "Region", DataType: model.TypeString},
				{Name: "RegionManager", DataType: model.TypeString},
			}},
			{Name: "Date", Columns: []model.Column{
				{Name: "Date", DataType: model.TypeDate}, {Name: "Year", DataType: model.TypeInt64},
				{Name: "Month", DataType: model.TypeString}, {Name: "MonthNumber", DataType: model.TypeInt64},
			}},
		},
		// The generator draws every key from its dimension's range (TestGeneratedKeysHaveTheirRows),
		// so the relationships can promise integrity and queries use INNER JOINs.
		Relationships: []model.Relationship{
			{Name: "Sales_Product", FromTable: "Sales", FromColumn: "ProductId", ToTable: "Product", ToColumn: "ProductId", AssumeReferentialIntegrity: true},
			{Name: "Sales_Store", FromTable: "Sales", FromColumn: "StoreId", ToTable: "Store", ToColumn: "StoreId", AssumeReferentialIntegrity: true},
			{Name: "Sales_Date", FromTable: "Sales", FromColumn: "OrderDate", ToTable: "Date", ToColumn: "Date", AssumeReferentialIntegrity: true},
		},
	}
	if withRLS {
		def.Roles = []model.RLSRole{{
			Name: "Regional Manager", ModelPermission: "Read",
			TablePermissions: []model.TablePermission{{Name: "Store", FilterExpression: "[RegionManager] = USERPRINCIPALNAME()"}},
			Members:          []string{ManagerUser},
		}}
	}
	return def
}

func field(f string) model.FieldUse { return model.FieldUse{Field: f} }

func visual(name, typ, title string, x, y, w, h float64, fields map[string][]model.FieldUse) model.Visual {
	return model.Visual{Name: name, Type: typ, Title: title, Position: model.Position{X: x, Y: y, Width: w, Height: h}, Fields: fields}
}

// retailReport is "Retail Sales": two pages, eleven visuals of nine types.
func retailReport(datasetID string) *model.ReportDefinition {
	top10 := visual("topProducts", "clusteredBarChart", "Top 10 products", 640, 0, 640, 340, map[string][]model.FieldUse{
		"category": {field("Product[Product]")}, "values": {field("[Total Sales]")}})
	top10.TopN = &model.TopN{Count: 10, By: "[Total Sales]"}
	top10.Sort = []model.SortItem{{Field: "[Total Sales]", Direction: "Descending"}}
	details := visual("productTable", "tableEx", "Products", 0, 0, 620, 700, map[string][]model.FieldUse{
		"values": {field("Product[Category]"), field("Product[Product]"), field("[Total Sales]"), field("[Total Quantity]"), field("[Margin %]")}})
	details.Sort = []model.SortItem{{Field: "[Total Sales]", Direction: "Descending"}}
	return &model.ReportDefinition{
		Name:        "Retail Sales",
		Description: "Sales, margin and products of one retailer. Publish once, bind to each retailer's dataset.",
		DatasetID:   datasetID,
		Pages: []model.Page{
			{Name: "overview", DisplayName: "Overview", Visuals: []model.Visual{
				visual("totalSales", "card", "Total sales", 0, 0, 300, 120, map[string][]model.FieldUse{"values": {field("[Total Sales]")}}),
				visual("orders", "card", "Orders", 320, 0, 300, 120, map[string][]model.FieldUse{"values": {field("[Orders]")}}),
				visual("margin", "card", "Margin", 640, 0, 300, 120, map[string][]model.FieldUse{"values": {field("[Margin %]")}}),
				visual("region", "slicer", "Region", 960, 0, 320, 120, map[string][]model.FieldUse{"values": {field("Store[Region]")}}),
				visual("byCategory", "clusteredColumnChart", "Sales by category", 0, 140, 620, 280, map[string][]model.FieldUse{
					"category": {field("Product[Category]")}, "values": {field("[Total Sales]")}}),
				visual("byMonth", "lineChart", "Sales by month", 640, 140, 640, 280, map[string][]model.FieldUse{
					"category": {field("Date[Month]")}, "values": {field("[Total Sales]")}}),
				visual("byRegion", "pieChart", "Sales by region", 0, 440, 620, 280, map[string][]model.FieldUse{
					"category": {field("Store[Region]")}, "values": {field("[Total Sales]")}}),
				visual("quantityByCategory", "donutChart", "Quantity by category", 640, 440, 640, 280, map[string][]model.FieldUse{
					"category": {field("Product[Category]")}, "values": {field("[Total Quantity]")}}),
			}},
			{Name: "details", DisplayName: "Details", Visuals: []model.Visual{
				details,
				top10,
				visual("regionByCategory", "pivotTable", "Region by category", 640, 360, 640, 340, map[string][]model.FieldUse{
					"rows": {field("Store[Region]")}, "columns": {field("Product[Category]")}, "values": {field("[Total Sales]")}}),
			}},
		},
	}
}
